package dev.tollgate.server;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.tollgate.core.admin.ClientWithSecret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/** A client-credentials client as third parties write one: the Nimbus OAuth 2.0 SDK's client side, over real HTTP. */
final class NimbusClient {

    private NimbusClient() {
    }

    static ClientAuthentication basic(ClientWithSecret client) {
        return basic(client.client().clientId().value(), client.secret().reveal());
    }

    static ClientAuthentication basic(String clientId, String secret) {
        return new ClientSecretBasic(new ClientID(clientId), new Secret(secret));
    }

    static ClientAuthentication post(ClientWithSecret client) {
        return new ClientSecretPost(new ClientID(client.client().clientId().value()),
                new Secret(client.secret().reveal()));
    }

    /** Sends a client-credentials token request; {@code scope} null means none is sent. */
    static TokenResponse request(URI tokenEndpoint, ClientAuthentication auth, String scope, URI... resources) {
        TokenRequest.Builder builder = new TokenRequest.Builder(tokenEndpoint, auth, new ClientCredentialsGrant());
        if (scope != null) {
            builder.scope(Scope.parse(scope));
        }
        if (resources.length > 0) {
            builder.resources(resources);
        }
        try {
            return TokenResponse.parse(builder.build().toHTTPRequest().send());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException("unparseable token response", e);
        }
    }

    /** The access token of a successful response; fails with the error otherwise. */
    static String accessToken(URI tokenEndpoint, ClientAuthentication auth, String scope, URI... resources) {
        TokenResponse response = request(tokenEndpoint, auth, scope, resources);
        if (!response.indicatesSuccess()) {
            throw new AssertionError("token request refused: "
                    + response.toErrorResponse().getErrorObject().toJSONObject());
        }
        return response.toSuccessResponse().getTokens().getAccessToken().getValue();
    }
}
