package dev.tollgate.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTPS for the public listener, from PEM files (certificate chain + PKCS#8 key) or a PKCS#12
 * keystore. Exactly one of the two forms is set. TLS 1.2 and 1.3 only.
 *
 * @param redirectPort a plain-HTTP listener that redirects to HTTPS; 0 for none
 * @param hstsMaxAge   Strict-Transport-Security max-age; zero sends no header
 * @param requestClientCertificates ask every client for a certificate without requiring one (RFC 8705 mutual
 *                     TLS; plain clients keep working); the certificate is judged per tenant, not at the handshake
 */
public record TlsConfig(Path certificate, Path privateKey, Path keystore, char[] keystorePassword, int redirectPort,
                        Duration hstsMaxAge, boolean requestClientCertificates) {

    /** Without client certificates. */
    public TlsConfig(Path certificate, Path privateKey, Path keystore, char[] keystorePassword, int redirectPort,
                     Duration hstsMaxAge) {
        this(certificate, privateKey, keystore, keystorePassword, redirectPort, hstsMaxAge, false);
    }

    /** The same TLS, asking clients for a certificate (or not). */
    public TlsConfig withClientCertificates(boolean request) {
        return new TlsConfig(certificate, privateKey, keystore, keystorePassword, redirectPort, hstsMaxAge, request);
    }

    /** @throws IllegalArgumentException one line per problem, each starting with the key it is about */
    public TlsConfig {
        List<String> problems = new ArrayList<>();
        boolean pem = certificate != null || privateKey != null;
        if (pem && keystore != null) {
            problems.add("tls.keystore: give either tls.certificate with tls.private-key, or tls.keystore, not both");
        } else if (pem && (certificate == null || privateKey == null)) {
            problems.add(certificate == null
                    ? "tls.certificate: required with tls.private-key" : "tls.private-key: required with tls.certificate");
        } else if (!pem && keystore == null) {
            problems.add("tls.certificate: TLS needs a certificate and key, or a keystore");
        }
        if (redirectPort < 0 || redirectPort > 65535) {
            problems.add("tls.http-redirect-port: must be from 1 to 65535, or unset");
        }
        if (hstsMaxAge == null || hstsMaxAge.isNegative()) {
            problems.add("tls.hsts-max-age: must not be negative");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[" + (keystore != null ? "keystore=" + keystore : "certificate=" + certificate
                + ", privateKey=" + privateKey) + ", redirectPort=" + redirectPort + ", hstsMaxAge=" + hstsMaxAge
                + ", requestClientCertificates=" + requestClientCertificates + "]";
    }
}
