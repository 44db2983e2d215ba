package dev.tollgate.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS for the public listener, from PEM files (certificate chain + PKCS#8 key) or a PKCS#12
 * keystore. Exactly one of the two forms is set. TLS 1.2 and 1.3 only.
 *
 * @param redirectPort a plain-HTTP listener that redirects to HTTPS; 0 for none
 * @param hstsMaxAge   Strict-Transport-Security max-age; zero sends no header
 */
public record TlsConfig(Path certificate, Path privateKey, Path keystore, char[] keystorePassword, int redirectPort,
                        Duration hstsMaxAge) {

    public TlsConfig {
        boolean pem = certificate != null || privateKey != null;
        if (pem && keystore != null) {
            throw new IllegalArgumentException("tls.keystore: give either tls.certificate with tls.private-key, "
                    + "or tls.keystore, not both");
        }
        if (pem && (certificate == null || privateKey == null)) {
            throw new IllegalArgumentException(certificate == null
                    ? "tls.certificate: required with tls.private-key" : "tls.private-key: required with tls.certificate");
        }
        if (!pem && keystore == null) {
            throw new IllegalArgumentException("tls.certificate: TLS needs a certificate and key, or a keystore");
        }
        if (redirectPort < 0 || redirectPort > 65535) {
            throw new IllegalArgumentException("tls.http-redirect-port: must be 0-65535, was " + redirectPort);
        }
        if (hstsMaxAge == null || hstsMaxAge.isNegative()) {
            throw new IllegalArgumentException("tls.hsts-max-age: must not be negative");
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[" + (keystore != null ? "keystore=" + keystore : "certificate=" + certificate
                + ", privateKey=" + privateKey) + ", redirectPort=" + redirectPort + ", hstsMaxAge=" + hstsMaxAge + "]";
    }
}
