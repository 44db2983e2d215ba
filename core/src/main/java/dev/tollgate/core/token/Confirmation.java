package dev.tollgate.core.token;

import com.nimbusds.jose.util.X509CertUtils;

import java.security.cert.X509Certificate;

/**
 * An access token's {@code cnf} claim (RFC 7800 §3.1): what the presenter must prove to use it.
 * One object for every kind of binding, so each is one more member here: {@code jkt}, the DPoP
 * key's RFC 7638 thumbprint (RFC 9449 §6.1), and {@code x5t#S256}, the SHA-256 thumbprint of the
 * client's TLS certificate (RFC 8705 §3.1). {@link #NONE} for a bearer token.
 *
 * @param jkt     base64url SHA-256 JWK thumbprint, or null
 * @param x5tS256 base64url SHA-256 of the certificate's DER encoding, or null
 */
public record Confirmation(String jkt, String x5tS256) {

    public static final Confirmation NONE = new Confirmation(null, null);

    /** RFC 8705 §3.1: bound to this certificate. */
    public static Confirmation certificate(X509Certificate certificate) {
        return new Confirmation(null, thumbprint(certificate));
    }

    /** RFC 8705 §3.1 {@code x5t#S256}: base64url (no padding) of SHA-256 over the DER certificate. */
    public static String thumbprint(X509Certificate certificate) {
        return X509CertUtils.computeSHA256Thumbprint(certificate).toString();
    }

    public boolean isEmpty() {
        return jkt == null && x5tS256 == null;
    }

    /** Appends {@code "cnf":{...}} to a claims object being written; nothing when empty. */
    void appendTo(StringBuilder claims) {
        if (isEmpty()) {
            return;
        }
        StringBuilder cnf = new StringBuilder(64).append('{');
        if (jkt != null) {
            JsonText.string(cnf, "jkt", jkt);
        }
        if (x5tS256 != null) {
            JsonText.string(cnf, "x5t#S256", x5tS256);
        }
        JsonText.raw(claims, "cnf", cnf.append('}'));
    }
}
