package dev.tollgate.core.seal;

/**
 * A sealed value that can't be opened: sealed under a KEK this process does not have, altered, or
 * moved from the row it was sealed for. The message names the KEK id and the value's place, never
 * the value.
 */
public final class SealedSecretException extends RuntimeException {

    public SealedSecretException(String message) {
        super(message);
    }

    public SealedSecretException(String message, Throwable cause) {
        super(message, cause);
    }
}
