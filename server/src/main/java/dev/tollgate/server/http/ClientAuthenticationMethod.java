package dev.tollgate.server.http;

import dev.tollgate.core.token.PresentedCredentials;

/**
 * One way a client proves who it is (RFC 6749 §2.3), as it arrives over HTTP. {@link ClientAuthentication}
 * asks each registered method in turn; a request must use exactly one.
 */
interface ClientAuthenticationMethod {

    /**
     * @param authorization the request's only {@code Authorization} header, or null
     * @return the presented credentials, or null when the request does not use this method
     * @throws HttpFailure when the request uses this method and gets it wrong
     */
    PresentedCredentials read(String authorization, FormParameters params) throws HttpFailure;

    /** How error descriptions name the method, e.g. {@code HTTP Basic}. */
    String description();
}
