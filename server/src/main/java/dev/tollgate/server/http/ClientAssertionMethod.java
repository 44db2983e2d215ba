package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.tollgate.core.token.PresentedCredentials;

/**
 * RFC 7523 §2.2 {@code client_assertion}: recognised so that it counts as a method (and is refused by
 * name), not yet supported. {@code private_key_jwt} replaces this entry in {@link ClientAuthentication#METHODS}.
 */
final class ClientAssertionMethod implements ClientAuthenticationMethod {

    @Override
    public boolean isUsedBy(String authorization, FormParameters params) {
        return params.contains("client_assertion") || params.contains("client_assertion_type");
    }

    @Override
    public PresentedCredentials read(String authorization, FormParameters params) throws HttpFailure {
        throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE,
                "unsupported client authentication method private_key_jwt/client_secret_jwt", 401);
    }

    @Override
    public String description() {
        return "client_assertion";
    }
}
