package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientAuthMethod;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The client id and what proves it, as a request carried them: a secret, or (RFC 7523
 * {@code private_key_jwt}) a signed assertion. The secret is masked in {@link #toString()}.
 *
 * @param secret    the presented secret, or null for an assertion
 * @param assertion the compact JWS of {@code client_assertion}, or null for a secret
 * @param certificates the TLS client certificate chain the request came with (leaf first), whatever the
 *                  method: the proof for the RFC 8705 methods, what a token is bound to for the others;
 *                  empty when none was presented
 */
public record PresentedCredentials(String clientId, String secret, ClientAuthMethod method, String assertion,
                                   List<X509Certificate> certificates) {

    public PresentedCredentials {
        Objects.requireNonNull(method, "method");
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    public PresentedCredentials(String clientId, String secret, ClientAuthMethod method) {
        this(clientId, secret, method, null, List.of());
    }

    public PresentedCredentials(String clientId, String secret, ClientAuthMethod method, String assertion) {
        this(clientId, secret, method, assertion, List.of());
    }

    /**
     * RFC 8705 §2: the client names itself with {@code client_id} and proves it with its TLS
     * certificate; which of the two mTLS methods applies is the client's registration's to say.
     */
    public static PresentedCredentials certificate(String clientId, List<X509Certificate> chain) {
        return new PresentedCredentials(clientId, null, ClientAuthMethod.TLS_CLIENT_AUTH, null, chain);
    }

    /** The same credentials, presented over a connection with this client certificate chain. */
    public PresentedCredentials withCertificates(List<X509Certificate> chain) {
        return new PresentedCredentials(clientId, secret, method, assertion, chain);
    }

    /** The leaf of the presented chain, or null. */
    public X509Certificate certificate() {
        return certificates.isEmpty() ? null : certificates.getFirst();
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
