package dev.tollgate.client;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@link SSLContext} that presents a client certificate, for mutual-TLS token requests (RFC 8705:
 * {@code tls_client_auth}, {@code self_signed_tls_client_auth}, certificate-bound tokens) and for
 * the API calls that must show the same certificate. From PEM files (the certificate chain and its
 * PKCS#8 private key, as {@code openssl genpkey} writes it) or from a PKCS#12 keystore.
 *
 * <pre>{@code
 * SSLContext tls = ClientCertificate.fromPem(Path.of("client.pem"), Path.of("client.key"), Path.of("ca.pem"));
 * TokenClient tokens = TokenClient.builder()
 *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
 *         .clientId("orders-service")
 *         .mutualTls(tls)                 // no secret: the certificate is the credential
 *         .build();
 * }</pre>
 */
public final class ClientCertificate {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] IN_MEMORY = "tollgate-client".toCharArray();

    private ClientCertificate() {
    }

    /**
     * @param certificateChain PEM: the client certificate first, then any intermediates
     * @param privateKey       PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), RSA, EC or Ed25519
     * @param trustedCas       PEM CA certificates the server's certificate must chain to; null for the JDK's
     * @throws IllegalArgumentException naming the file that can't be used
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey, Path trustedCas) {
        List<Certificate> chain = certificates(certificateChain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateChain + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(privateKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(Certificate[]::new));
            return context(store, IN_MEMORY, trustedCas);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + privateKey + " does not fit the certificate in "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param keystore   a PKCS#12 file holding the client's key entry
     * @param password   its password
     * @param trustedCas PEM CA certificates the server's certificate must chain to; null for the JDK's
     */
    public static SSLContext fromPkcs12(Path keystore, char[] password, Path trustedCas) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return context(store, password, trustedCas);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open " + keystore + " (wrong password, or not PKCS#12): "
                    + e.getMessage(), e);
        }
    }

    private static SSLContext context(KeyStore keys, char[] password, Path trustedCas)
            throws GeneralSecurityException, IOException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (trustedCas == null) {
            trustManagers.init((KeyStore) null);
        } else {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(trustedCas)) {
                trust.setCertificateEntry("ca" + i++, ca);
            }
            trustManagers.init(trust);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static List<Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path pem) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage(), e);
        }
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(pem + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // Each factory reads only its own algorithm's PKCS#8.
            }
        }
        throw new IllegalArgumentException(pem + ": the private key is not an EC, RSA or Ed25519 key");
    }
}
