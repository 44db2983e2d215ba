package dev.tollgate.core.store;

/**
 * An insert collided with an existing row of the same identity: a conflict with the state the
 * caller asked to change (409), not a store failure. Deliberately not a {@link StoreException},
 * which means the store is unavailable (503, retry): a duplicate retried stays a duplicate.
 */
public class DuplicateException extends RuntimeException {

    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
