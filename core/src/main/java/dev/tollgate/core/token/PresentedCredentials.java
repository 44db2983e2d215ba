package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientAuthMethod;
import java.util.Objects;

/**
 * The client id and what proves it, as a request carried them: a secret, or (RFC 7523
 * {@code private_key_jwt}) a signed assertion. The secret is masked in {@link #toString()}.
 *
 * @param secret    the presented secret, or null for an assertion
 * @param assertion the compact JWS of {@code client_assertion}, or null for a secret
 */
public record PresentedCredentials(String clientId, String secret, ClientAuthMethod method, String assertion) {

    public PresentedCredentials {
        Objects.requireNonNull(method, "method");
    }

    public PresentedCredentials(String clientId, String secret, ClientAuthMethod method) {
        this(clientId, secret, method, null);
    }

    /** RFC 7523 §2.2: the client id is the assertion's {@code sub} (or the request's {@code client_id}). */
    public static PresentedCredentials assertion(String clientId, String assertion) {
        return new PresentedCredentials(clientId, null, ClientAuthMethod.PRIVATE_KEY_JWT, assertion);
    }

    @Override
    public String toString() {
        return "PresentedCredentials[" + clientId + ", ****, " + method.wireName() + "]";
    }
}
