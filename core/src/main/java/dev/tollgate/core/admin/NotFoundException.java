package dev.tollgate.core.admin;

/** The tenant, client or scope an operation named does not exist (in that tenant). */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
