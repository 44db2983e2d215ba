package dev.tollgate.server.http;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.core.token.JwksUriCache;
import dev.tollgate.server.config.ClientKeyConfig;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a client's {@code jwks_uri} for {@link JwksUriCache}, as a URL a client registered should
 * be fetched: https only, to public addresses only (unless {@code jwks-uri.allow-private-addresses}),
 * no redirects (a redirect could lead anywhere the checks did not look), within a time limit and a
 * size cap, so a client's registration can't make the server probe its own network or hold a
 * thread (RFC 7591 §5 "Security Considerations", OWASP SSRF).
 *
 * <p>The addresses are checked when the host is resolved, just before the fetch; the HTTP client
 * resolves again, so a DNS answer that changes within that moment (rebinding) is not caught here.
 */
public final class JwksUriFetcher implements JwksUriCache.Fetcher {

    private final HttpClient http;
    private final Duration timeout;
    private final int maxBytes;
    private final boolean allowPrivate;

    public JwksUriFetcher(ClientKeyConfig config) {
        this.timeout = config.fetchTimeout();
        this.maxBytes = config.maxJwksBytes();
        this.allowPrivate = config.allowPrivateAddresses();
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public JWKSet fetch(URI uri) throws JwksUriCache.FetchException {
        byte[] body = get(uri);
        try {
            JWKSet keys = JWKSet.parse(new String(body, StandardCharsets.UTF_8));
            // Only what a client key may be; a published private member is dropped, never used.
            return new JWKSet(keys.toPublicJWKSet().getKeys().stream().filter(k -> !k.getKeyType().getValue()
                    .equals("oct")).toList());
        } catch (ParseException e) {
            throw new JwksUriCache.FetchException("did not answer a JWK set: " + e.getMessage());
        }
    }

    /**
     * The body of {@code uri} under the same rules as a jwks_uri (address, scheme, no redirects, time
     * and size caps): also what an issuer's discovery document is fetched with.
     */
    public byte[] get(URI uri) throws JwksUriCache.FetchException {
        check(uri, allowPrivate);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.sendAsync(request, info -> new CappedBody(maxBytes, info.headers()
                            .firstValueAsLong("Content-Length").orElse(-1)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JwksUriCache.FetchException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JwksUriCache.FetchException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new JwksUriCache.FetchException(cause instanceof TooLarge ? cause.getMessage()
                    : "fetch failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new JwksUriCache.FetchException("answered a redirect (" + status + "), which is not followed;"
                    + " register the final URL");
        }
        if (status != 200) {
            throw new JwksUriCache.FetchException("answered HTTP " + status);
        }
        return response.body();
    }

    /**
     * What a registration may name and a fetch may reach: https (http only where private addresses
     * are allowed), and a host whose every address is public unless they are allowed.
     */
    public static void check(URI uri, boolean allowPrivate) throws JwksUriCache.FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
            throw new JwksUriCache.FetchException("jwks_uri must use https");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new JwksUriCache.FetchException("jwks_uri has no host");
        }
        if (allowPrivate) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new JwksUriCache.FetchException("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new JwksUriCache.FetchException("host " + host + " resolves to the non-public address "
                        + address.getHostAddress() + " (allowed only with jwks-uri.allow-private-addresses)");
            }
        }
    }

    /** Not loopback, private, link-local, unique-local, carrier-grade NAT, multicast, or unspecified. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first != 0 && !(first == 100 && second >= 64 && second < 128)   // 100.64/10 CGNAT
                    && !(first == 192 && second == 0 && (b[2] & 0xFF) == 0)          // 192.0.0/24 IETF
                    && !(first == 198 && (second == 18 || second == 19))              // 198.18/15 benchmarking
                    && first < 224;                                                    // multicast, reserved
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) {
                return false; // fc00::/7 unique local
            }
            // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 prefix carry an IPv4 address: judge that one.
            boolean mapped = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).stream().allMatch(i -> b[i] == 0)
                    && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
            if (mapped) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge(int max) {
            super("answer larger than " + max + " bytes (jwks-uri.max-bytes)");
        }
    }

    /** Collects the body, failing as soon as it passes the cap, whatever Content-Length claimed. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int max, long declaredLength) {
            this.max = max;
            if (declaredLength > max) {
                result.completeExceptionally(new TooLarge(max));
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge(max));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
