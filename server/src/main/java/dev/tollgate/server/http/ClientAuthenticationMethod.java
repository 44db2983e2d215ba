package dev.tollgate.server.http;

import dev.tollgate.core.token.PresentedCredentials;

/**
 * One way a client proves who it is (RFC 6749 §2.3), as it arrives over HTTP. {@link ClientAuthentication}
 * asks each registered method in turn; a request must use exactly one.
 */
interface ClientAuthenticationMethod {

    /**
     * Whether the request uses this method at all, rightly or wrongly: asked of every method before
     * any reads, so two methods in one request are refused as such (RFC 6749 §2.3) whatever either's
     * own verdict would be.
     *
     * @param authorization the request's only {@code Authorization} header, or null
     */
    boolean isUsedBy(String authorization, FormParameters params);

    /**
     * Called only when {@link #isUsedBy} said so, and no other method is used.
     *
     * @return the presented credentials
     * @throws HttpFailure when the request gets this method wrong
     */
    PresentedCredentials read(String authorization, FormParameters params) throws HttpFailure;

    /** How error descriptions name the method, e.g. {@code HTTP Basic}. */
    String description();
}
