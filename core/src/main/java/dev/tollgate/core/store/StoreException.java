package dev.tollgate.core.store;

/** A store failed: unreachable, or in a state it should not be in. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
