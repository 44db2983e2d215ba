package dev.tollgate.core.client;

import java.util.Locale;
import java.util.Set;

/** How a client proves its identity at the token endpoint (RFC 8414 / RFC 7591 names). */
public enum ClientAuthMethod {
    /** RFC 6749 §2.3.1 HTTP Basic. */
    CLIENT_SECRET_BASIC,
    /** RFC 6749 §2.3.1 form body parameters. */
    CLIENT_SECRET_POST,
    /** RFC 7523 §2.2: a JWT signed with one of the client's registered keys; the client has no secret. */
    PRIVATE_KEY_JWT,
    /** RFC 8705 §2.1: a certificate issued by one of the tenant's trusted CAs, naming the client's registered subject. */
    TLS_CLIENT_AUTH,
    /** RFC 8705 §2.2: a self-signed certificate whose public key is one of the client's registered keys. */
    SELF_SIGNED_TLS_CLIENT_AUTH,
    /**
     * Workload identity federation (issue 14): the client proves itself with a token its platform
     * issued (a Kubernetes service-account token, a SPIFFE JWT-SVID), sent as an RFC 7523 client
     * assertion with {@code client_id}; the client is bound to one (issuer, subject) pair of a
     * tenant's trusted issuers and has no secret and no keys of its own. Not an IANA-registered
     * name: Tollgate's own, used only in registrations and metadata.
     */
    FEDERATED_JWT;

    /** What a client registered without a method may use: its secret, either way (RFC 7591 §2's default is basic). */
    public static final Set<ClientAuthMethod> SECRET_METHODS = Set.of(CLIENT_SECRET_BASIC, CLIENT_SECRET_POST);

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean usesSecret() {
        return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST;
    }

    /** The two RFC 8705 methods: the client proves itself with its TLS client certificate. */
    public boolean usesCertificate() {
        return this == TLS_CLIENT_AUTH || this == SELF_SIGNED_TLS_CLIENT_AUTH;
    }

    /** @throws IllegalArgumentException for a name that is none of ours (client_secret_jwt among them) */
    public static ClientAuthMethod fromWireName(String name) {
        for (ClientAuthMethod method : values()) {
            if (method.wireName().equals(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown token_endpoint_auth_method '" + name
                + "'; one of client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth,"
                + " self_signed_tls_client_auth, federated_jwt"
                + " (client_secret_jwt is not offered: secrets are stored only as keyed hashes)");
    }
}
