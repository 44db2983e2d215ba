package dev.tollgate.client;

/**
 * A token could not be obtained: the token endpoint answered with an OAuth error (RFC 6749 §5.2),
 * answered something that is not a token response, or could not be reached. Nothing is cached
 * after a failure, so the next call asks again.
 *
 * <pre>{@code
 * try {
 *     String token = tokens.accessToken(TokenScope.of(Set.of("users:read")));
 * } catch (TokenRequestException e) {
 *     if ("invalid_client".equals(e.errorCode())) {
 *         // wrong id or secret, or the client is disabled: retrying will not help
 *     }
 * }
 * }</pre>
 */
public final class TokenRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final String errorDescription;
    private final int httpStatus;

    /** An OAuth error response (RFC 6749 §5.2). */
    TokenRequestException(String errorCode, String errorDescription, int httpStatus) {
        super(message(errorCode, errorDescription, httpStatus));
        this.errorCode = errorCode;
        this.errorDescription = errorDescription;
        this.httpStatus = httpStatus;
    }

    /** No usable answer: {@code httpStatus} is {@code -1} when none came at all. */
    TokenRequestException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.errorCode = null;
        this.errorDescription = null;
        this.httpStatus = httpStatus;
    }

    /** The OAuth error code ({@code invalid_client}, {@code invalid_scope}, …), or {@code null} when there was none. */
    public String errorCode() {
        return errorCode;
    }

    /** The server's {@code error_description}, or {@code null}. */
    public String errorDescription() {
        return errorDescription;
    }

    /** The HTTP status of the token endpoint's answer, or {@code -1} when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    private static String message(String errorCode, String errorDescription, int httpStatus) {
        StringBuilder message = new StringBuilder("token request refused: HTTP ").append(httpStatus);
        if (errorCode != null) {
            message.append(' ').append(errorCode);
        }
        if (errorDescription != null) {
            message.append(": ").append(errorDescription);
        }
        return message.toString();
    }
}
