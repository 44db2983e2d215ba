package dev.tollgate.core.admin;

/**
 * The actor is known and in the right tenant but lacks the capability. Objects of another tenant
 * are a {@link NotFoundException} instead, so a refusal never confirms that they exist.
 */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}
