package dev.tollgate.server.http;

import dev.tollgate.server.config.TrustedProxies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS client certificate chain a request came with (RFC 8705), decided once per request: the
 * one place that says where it comes from.
 *
 * <ul>
 *   <li>from a configured {@link TrustedProxies trusted proxy}: only the configured header
 *       ({@code X-SSL-Client-Cert}, URL-escaped PEM as nginx's {@code $ssl_client_escaped_cert}),
 *       never the proxy's own TLS certificate;</li>
 *   <li>from any other peer: the certificates of this server's own TLS session, and the header is
 *       ignored, since a client could write anything there.</li>
 * </ul>
 *
 * A header that does not hold one readable certificate chain counts as no certificate: the request
 * is then what it would be without one (a plain client), never a 500.
 */
public final class ClientCertificates {

    /** A PEM chain of a few certificates is a few kB; more is not a client certificate. */
    static final int MAX_HEADER_LENGTH = 32 * 1024;

    /** The decision, in the request's context. */
    private record Presented(List<X509Certificate> chain) {
    }

    private final TrustedProxies trusted;
    private final HeaderName header;

    /** @param header the proxy's header, or null when certificates come from the TLS session only */
    public ClientCertificates(TrustedProxies trusted, String header) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
        this.header = header == null ? null : HeaderNames.create(header);
    }

    /** Decides every request's certificate before any route runs. */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, request, response) -> {
            request.context().register(new Presented(resolve(request)));
            chain.proceed();
        });
    }

    /** The chain {@link #register}'s filter decided (leaf first); the TLS session's where no filter ran. */
    public static List<X509Certificate> of(ServerRequest request) {
        return request.context().get(Presented.class).map(Presented::chain).orElseGet(() -> session(request));
    }

    /** The leaf of {@link #of}, or null when the request came without a certificate. */
    public static X509Certificate leaf(ServerRequest request) {
        List<X509Certificate> chain = of(request);
        return chain.isEmpty() ? null : chain.getFirst();
    }

    private List<X509Certificate> resolve(ServerRequest request) {
        if (header != null && fromTrustedProxy(request)) {
            return request.headers().first(header).map(ClientCertificates::parseEscapedPem).orElse(List.of());
        }
        return session(request);
    }

    private boolean fromTrustedProxy(ServerRequest request) {
        SocketAddress socket = request.remotePeer().address();
        return socket instanceof InetSocketAddress inet && inet.getAddress() != null
                && trusted.contains(inet.getAddress());
    }

    private static List<X509Certificate> session(ServerRequest request) {
        Optional<Certificate[]> certificates = request.remotePeer().tlsCertificates();
        if (certificates.isEmpty()) {
            return List.of();
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : certificates.get()) {
            if (!(certificate instanceof X509Certificate x509)) {
                return List.of();
            }
            chain.add(x509);
        }
        return List.copyOf(chain);
    }

    /**
     * nginx's {@code $ssl_client_escaped_cert}: the PEM, URL-encoded. Empty when the client sent no
     * certificate; an unreadable value is treated the same.
     */
    static List<X509Certificate> parseEscapedPem(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_HEADER_LENGTH) {
            return List.of();
        }
        try {
            String pem = percentDecoded(value).strip();
            if (!pem.startsWith("-----BEGIN CERTIFICATE-----")) {
                return List.of();
            }
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : parsed) {
                chain.add((X509Certificate) certificate);
            }
            return List.copyOf(chain);
        } catch (CertificateException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Percent-decoding only: a {@code +} stays a {@code +} (it is a base64 character, and not every
     * proxy escapes it), unlike {@code URLDecoder}'s form decoding, which would make it a space.
     */
    private static String percentDecoded(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                out.append((char) Integer.parseInt(value, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
