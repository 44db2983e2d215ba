package dev.tollgate.core.client;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A tenant's trusted CA bundle for {@code tls_client_auth} (RFC 8705 §2.1): the certificates of
 * the authorities whose client certificates this tenant accepts, as PEM. Parsed once when built,
 * so the token path validates against ready {@link TrustAnchor}s. Empty by default: then no
 * certificate is trusted for {@code tls_client_auth} (self-signed clients need no CA).
 *
 * <p>Equal when their PEM text is equal.
 */
public final class ClientCertificateAuthorities {

    public static final ClientCertificateAuthorities NONE = new ClientCertificateAuthorities("", List.of());
    /** A bundle of a hundred 2.5 kB certificates fits. */
    public static final int MAX_PEM_LENGTH = 262_144;
    public static final int MAX_CERTIFICATES = 100;

    private final String pem;
    private final List<X509Certificate> certificates;
    private final Set<TrustAnchor> anchors;

    private ClientCertificateAuthorities(String pem, List<X509Certificate> certificates) {
        this.pem = pem;
        this.certificates = List.copyOf(certificates);
        Set<TrustAnchor> set = new LinkedHashSet<>();
        for (X509Certificate certificate : certificates) {
            set.add(new TrustAnchor(certificate, null));
        }
        this.anchors = Set.copyOf(set);
    }

    /**
     * @param pem one or more {@code -----BEGIN CERTIFICATE-----} blocks; null or blank for none
     * @throws IllegalArgumentException when the text holds anything else, too many or no certificates
     */
    public static ClientCertificateAuthorities of(String pem) {
        if (pem == null || pem.isBlank()) {
            return NONE;
        }
        String text = pem.strip();
        if (text.length() > MAX_PEM_LENGTH) {
            throw new IllegalArgumentException("the CA bundle must be at most " + MAX_PEM_LENGTH + " characters");
        }
        if (!text.startsWith("-----BEGIN CERTIFICATE-----") || text.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException("the CA bundle must be PEM certificates (-----BEGIN CERTIFICATE-----)"
                    + " and nothing else");
        }
        Collection<? extends Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("the CA bundle holds a certificate that can't be read");
        }
        int blocks = text.split("-----BEGIN CERTIFICATE-----", -1).length - 1;
        if (parsed.isEmpty() || parsed.size() != blocks) {
            throw new IllegalArgumentException("the CA bundle holds a certificate that can't be read");
        }
        if (parsed.size() > MAX_CERTIFICATES) {
            throw new IllegalArgumentException("the CA bundle holds more than " + MAX_CERTIFICATES + " certificates");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : parsed) {
            certificates.add((X509Certificate) certificate);
        }
        return new ClientCertificateAuthorities(text, certificates);
    }

    /** The bundle as given (stripped), empty for none. */
    public String pem() {
        return pem;
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    public Set<TrustAnchor> anchors() {
        return anchors;
    }

    public boolean isEmpty() {
        return certificates.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientCertificateAuthorities that && pem.equals(that.pem);
    }

    @Override
    public int hashCode() {
        return pem.hashCode();
    }

    @Override
    public String toString() {
        return "ClientCertificateAuthorities[" + certificates.stream()
                .map(c -> c.getSubjectX500Principal().getName()).toList() + "]";
    }
}
