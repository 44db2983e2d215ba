package dev.tollgate.server.http;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.token.PresentedCredentials;

/** RFC 6749 §2.3.1 {@code client_secret_post}: {@code client_id} and {@code client_secret} in the form body. */
final class ClientSecretPostMethod implements ClientAuthenticationMethod {

    @Override
    public boolean isUsedBy(String authorization, FormParameters params) {
        return params.contains("client_secret");
    }

    @Override
    public PresentedCredentials read(String authorization, FormParameters params) {
        // The id as sent, not as Nimbus would trim it (see ClientSecretBasicMethod); without one,
        // ClientAuthentication refuses the request once it knows no other method was used too.
        return new PresentedCredentials(params.first("client_id"), params.first("client_secret"),
                ClientAuthMethod.CLIENT_SECRET_POST);
    }

    @Override
    public String description() {
        return "client_secret";
    }
}
