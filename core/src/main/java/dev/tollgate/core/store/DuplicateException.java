package dev.tollgate.core.store;

/** An insert collided with an existing row of the same identity. */
public class DuplicateException extends StoreException {

    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
