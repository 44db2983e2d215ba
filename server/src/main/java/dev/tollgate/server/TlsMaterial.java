package dev.tollgate.server;

import dev.tollgate.server.config.TlsConfig;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/**
 * The public listener's TLS: key and chain read by Helidon's PKI support (PEM in PKCS#8 or
 * PKCS#1, or PKCS#12), checked to belong together, and only TLS 1.3 and 1.2 enabled.
 */
final class TlsMaterial {

    /** RFC 8996: TLS 1.0 and 1.1 are refused at the handshake. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsMaterial() {
    }

    static Tls serverTls(TlsConfig config) {
        String source = config.keystore() != null ? config.keystore().toString()
                : config.privateKey() + " and " + config.certificate();
        Keys keys = config.keystore() != null
                ? Keys.builder().keystore(store -> store
                        .keystore(Resource.create(config.keystore()))
                        .passphrase(config.keystorePassword())
                        // Helidon looks for the alias "1" unless told; keytool and openssl -name choose others.
                        .keyAlias(keyAlias(config))
                        .certChainAlias(keyAlias(config))).build()
                : Keys.builder().pem(pem -> pem
                        .key(Resource.create(config.privateKey()))
                        .certChain(Resource.create(config.certificate()))).build();
        if (keys.privateKey().isEmpty() || keys.certChain().isEmpty()) {
            throw new IllegalStateException("TLS: no private key with a certificate chain in " + source);
        }
        requireMatching(keys.privateKey().get(), keys.certChain().get(0), source);
        io.helidon.common.tls.TlsConfig.Builder tls = Tls.builder()
                .privateKey(keys.privateKey().get())
                .privateKeyCertChain(keys.certChain())
                .enabledProtocols(PROTOCOLS);
        if (config.requestClientCertificates()) {
            // RFC 8705 §2: ask for a certificate without requiring one, and let any through the
            // handshake (which still proves the client holds its key): trust is per tenant (its CA
            // bundle) and per client (its registered keys), decided by the policy, not by one JVM trust store.
            tls.clientAuth(TlsClientAuth.OPTIONAL).trustAll(true);
        }
        return tls.build();
    }

    /** The keystore's first entry that holds a private key. */
    private static String keyAlias(TlsConfig config) {
        try (InputStream in = Files.newInputStream(config.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, config.keystorePassword());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return alias;
                }
            }
            throw new IllegalStateException("TLS: " + config.keystore() + " holds no private key entry");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("TLS: cannot open " + config.keystore()
                    + " (wrong tls.keystore-password, or not PKCS#12): " + e.getMessage(), e);
        }
    }

    /**
     * A key that does not belong to the certificate would start a listener on which every
     * handshake fails; a signature made with one and checked with the other says so at start.
     */
    private static void requireMatching(PrivateKey key, X509Certificate certificate, String source) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "tollgate-tls-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("TLS: the private key does not match the certificate (" + source + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS: the private key does not match the certificate (" + source + "): "
                    + e.getMessage(), e);
        }
    }
}
