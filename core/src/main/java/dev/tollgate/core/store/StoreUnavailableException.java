package dev.tollgate.core.store;

/**
 * The store could not be asked in time: it is away, slow, or every read the caller may make is
 * already in progress. Retryable; the server answers 503 with Retry-After.
 */
public class StoreUnavailableException extends StoreException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
