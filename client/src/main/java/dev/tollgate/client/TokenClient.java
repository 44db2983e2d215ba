package dev.tollgate.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PKITLSClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gets client-credentials access tokens (RFC 6749 §4.4) from one Tollgate token endpoint, caches
 * one per {@link TokenScope}, renews it before it expires and, through {@link #send}, calls APIs
 * with it. Plain Java: {@code java.net.http} for HTTP, no framework, no background thread.
 *
 * <pre>{@code
 * TokenClient tokens = TokenClient.builder()
 *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
 *         .clientId(System.getenv("TOLLGATE_CLIENT_ID"))
 *         .clientSecret(System.getenv("TOLLGATE_CLIENT_SECRET"))
 *         .renewBefore(Duration.ofSeconds(60))
 *         .build();
 * TokenScope usersRead = TokenScope.of(Set.of("users:read"), "https://api.example.com");
 *
 * // a bearer token for any HTTP stack:
 * String token = tokens.accessToken(usersRead);
 *
 * // or let the client add it, and renew and retry once if the API answers 401:
 * HttpResponse<String> users = tokens.send(
 *         HttpRequest.newBuilder(URI.create("https://api.example.com/users")).GET(),
 *         HttpResponse.BodyHandlers.ofString(), usersRead);
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>The client authenticates with {@code client_secret_basic} (RFC 6749 §2.3.1); scopes go in
 *       {@code scope}, the audience in {@code resource} (RFC 8707).</li>
 *   <li>A cached token is reused while {@code now < expiresAt - renewBefore}, {@code now} read from
 *       the configured {@link Clock} and {@code expiresAt} counted from when the request was sent.
 *       The margin is capped at half the token's lifetime, so a margin longer than the lifetime
 *       does not turn every call into a token request. A response without {@code expires_in} gives
 *       a token that is reused until an API rejects it.</li>
 *   <li>Single flight: callers that need the same token while it is being fetched wait for that one
 *       request instead of sending their own.</li>
 *   <li>A failed request caches nothing and throws {@link TokenRequestException} to every caller
 *       that waited on it.</li>
 *   <li>Thread-safe; one instance per token endpoint and client is meant to be shared.</li>
 *   <li>The secret and the tokens are never logged, and {@link #toString()} masks the secret.</li>
 *   <li>With {@link Builder#dpop()} the tokens are DPoP-bound (RFC 9449): the instance makes an
 *       EC P-256 key pair that never leaves it, sends a fresh proof with every token request and,
 *       through {@link #send}, with every API call ({@code Authorization: DPoP}, {@code ath}); a
 *       {@code use_dpop_nonce} refusal is retried once with the server's {@code DPoP-Nonce}.</li>
 *   <li>{@link #close()} releases the {@code HttpClient} it made (its selector thread and
 *       connections); one given to {@link Builder#httpClient} stays open, its owner's to close.</li>
 * </ul>
 *
 * <pre>{@code
 * try (TokenClient tokens = TokenClient.builder()
 *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
 *         .clientId(id).clientSecret(secret)
 *         .build()) {
 *     String token = tokens.accessToken(TokenScope.of(Set.of("users:read")));
 * }
 * }</pre>
 */
public final class TokenClient implements AutoCloseable {

    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final Duration renewBefore;
    private final Duration requestTimeout;
    private final Clock clock;
    private final HttpClient httpClient;
    /** True when this client made {@link #httpClient} and so must close it. */
    private final boolean ownsHttpClient;
    /** DPoP proofs with this instance's key (RFC 9449 §4); null for bearer tokens. */
    private final DPoPProofFactory dpop;
    /** The token endpoint's last DPoP-Nonce (RFC 9449 §8). */
    private final AtomicReference<String> tokenEndpointNonce = new AtomicReference<>();
    /** Each API origin's last DPoP-Nonce (RFC 9449 §9): nonces are per server. */
    private final ConcurrentHashMap<String, String> resourceNonces = new ConcurrentHashMap<>();

    // A completed future holds the cached token; an incomplete one is the request in flight that
    // later callers wait on. A failed future is removed before it completes, so it is never served
    // from the cache.
    private final ConcurrentHashMap<TokenScope, CompletableFuture<IssuedToken>> tokens = new ConcurrentHashMap<>();

    private TokenClient(Builder builder) {
        this.tokenEndpoint = builder.tokenEndpoint;
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret;
        this.renewBefore = builder.renewBefore;
        this.requestTimeout = builder.requestTimeout;
        this.clock = builder.clock;
        this.ownsHttpClient = builder.httpClient == null;
        this.httpClient = !ownsHttpClient ? builder.httpClient
                : builder.sslContext != null ? HttpClient.newBuilder().sslContext(builder.sslContext).build()
                : HttpClient.newHttpClient();
        this.dpop = builder.dpop ? newProofFactory() : null;
    }

    /** One key pair per client instance, made here and kept only in memory (RFC 9449 §2). */
    private static DPoPProofFactory newProofFactory() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            return new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a DPoP key pair", e);
        }
    }

    /** The thumbprint of this instance's DPoP key, as tokens name it in {@code cnf.jkt}; null without DPoP. */
    public String dpopKeyThumbprint() {
        try {
            return dpop == null ? null : ((DefaultDPoPProofFactory) dpop).getPublicJWK().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Closes the {@code HttpClient} this client made (HttpClient is AutoCloseable since JDK 21):
     * waits for requests in flight, then ends its selector thread. One passed to
     * {@link Builder#httpClient} is left open. Idempotent.
     */
    @Override
    public void close() {
        if (ownsHttpClient) {
            httpClient.close();
        }
    }

    /** For tests: the HttpClient in use. */
    HttpClient httpClient() {
        return httpClient;
    }

    /** A builder; {@code tokenEndpoint}, {@code clientId} and {@code clientSecret} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An access token for the client's default scopes and audience.
     *
     * @see #accessToken(TokenScope)
     */
    public String accessToken() {
        return accessToken(TokenScope.defaults());
    }

    /**
     * An access token for {@code scope}: the cached one while it is not due for renewal, otherwise
     * a new one from the token endpoint (one request however many threads ask at once).
     *
     * @throws TokenRequestException the endpoint refused, answered something unusable or could not
     *                               be reached, or the calling thread was interrupted while waiting
     *                               (its interrupt status is then set again)
     */
    public String accessToken(TokenScope scope) {
        try {
            return token(scope).value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRequestException("interrupted while waiting for a token", -1, e);
        }
    }

    /**
     * Sends {@code request} with {@code Authorization: Bearer} (with {@link Builder#dpop()}:
     * {@code Authorization: DPoP} and a {@code DPoP} proof for its method and URI; a
     * {@code use_dpop_nonce} answer is retried once with the API's nonce) and a token for {@code scope}. If
     * the API answers {@code 401} (RFC 6750 §3.1: the token was revoked, or expired before the
     * clock said so), the token is dropped, renewed once and the request is sent once more; the
     * answer to that second attempt is returned whatever it is, so a persistent {@code 401} reaches
     * the caller instead of looping.
     *
     * <p>The request is built twice on a retry, so its body publisher must be repeatable
     * ({@code ofString}, {@code ofByteArray} and {@code noBody} are). The first {@code 401}'s
     * body is closed if it is {@link AutoCloseable}, e.g. from {@code BodyHandlers.ofInputStream()}.
     *
     * <pre>{@code
     * HttpResponse<String> r = tokens.send(
     *         HttpRequest.newBuilder(URI.create("https://api.example.com/users")).GET(),
     *         HttpResponse.BodyHandlers.ofString(),
     *         TokenScope.of(Set.of("users:read"), "https://api.example.com"));
     * }</pre>
     *
     * @param request a request builder without an {@code Authorization} header (one is set)
     * @throws TokenRequestException no token could be obtained
     * @throws IOException           the API could not be reached
     * @throws InterruptedException  the calling thread was interrupted
     */
    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> bodyHandler,
                                    TokenScope scope) throws IOException, InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(bodyHandler, "bodyHandler");
        IssuedToken token = token(scope);
        HttpResponse<T> response = httpClient.send(authorized(request, token), bodyHandler);
        if (response.statusCode() != 401) {
            if (dpop != null) {
                // RFC 9449 §9: a new nonce may come with any answer.
                response.headers().firstValue("DPoP-Nonce").ifPresent(n -> resourceNonces.put(origin(response.uri()), n));
            }
            return response;
        }
        closeBody(response);
        if (dpop != null && isNonceRequired(response)) {
            // RFC 9449 §9: the API wants its nonce in the proof; the token is fine.
            return httpClient.send(authorized(request, token), bodyHandler);
        }
        // Only this token is dropped: of many callers rejected with the same token, the first
        // renews and the others wait for its request or find its result.
        invalidate(scope, token.value());
        return httpClient.send(authorized(request, token(scope)), bodyHandler);
    }

    /** A 401 whose DPoP challenge says use_dpop_nonce; the nonce itself was kept by {@link #authorized}'s caller. */
    private boolean isNonceRequired(HttpResponse<?> response) {
        String origin = origin(response.uri());
        String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
        boolean asked = response.headers().allValues("WWW-Authenticate").stream()
                .anyMatch(value -> value.contains("use_dpop_nonce"));
        if (nonce != null) {
            resourceNonces.put(origin, nonce);
        }
        return asked && nonce != null;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /**
     * Drops the cached token for {@code scope} if it is still {@code rejectedToken}, so that the
     * next call fetches a new one. For callers that use {@link #accessToken(TokenScope)} with their
     * own HTTP stack and got a {@code 401}; {@link #send} does this itself. Comparing with the
     * rejected token means that many callers reporting the same rejection cause one renewal.
     */
    public void invalidate(TokenScope scope, String rejectedToken) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(rejectedToken, "rejectedToken");
        CompletableFuture<IssuedToken> current = tokens.get(scope);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()
                && current.join().value().equals(rejectedToken)) {
            tokens.remove(scope, current);
        }
    }

    IssuedToken token(TokenScope scope) throws InterruptedException {
        Objects.requireNonNull(scope, "scope");
        while (true) {
            CompletableFuture<IssuedToken> current = tokens.get(scope);
            if (current != null && !current.isDone()) {
                try {
                    return current.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof InterruptedException) {
                        continue; // the fetching thread was interrupted, not this one: ask again
                    }
                    throw rethrown(e.getCause());
                }
            }
            if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
                IssuedToken token = current.join();
                if (clock.instant().isBefore(token.renewAt())) {
                    return token;
                }
            }
            CompletableFuture<IssuedToken> mine = new CompletableFuture<>();
            boolean claimed = current == null
                    ? tokens.putIfAbsent(scope, mine) == null
                    : tokens.replace(scope, current, mine);
            if (!claimed) {
                continue; // another caller started a request first: wait for theirs
            }
            try {
                IssuedToken token = fetch(scope);
                mine.complete(token);
                return token;
            } catch (Throwable t) {
                tokens.remove(scope, mine);
                mine.completeExceptionally(t);
                throw t;
            }
        }
    }

    private IssuedToken fetch(TokenScope scope) throws InterruptedException {
        try {
            return fetchOnce(scope);
        } catch (TokenRequestException e) {
            if (dpop != null && "use_dpop_nonce".equals(e.errorCode())) {
                // RFC 9449 §8: retried once, with the nonce the refusal carried (kept by fetchOnce).
                return fetchOnce(scope);
            }
            throw e;
        }
    }

    private IssuedToken fetchOnce(TokenScope scope) throws InterruptedException {
        // RFC 8705 §2: with no secret the TLS client certificate is the credential; client_id names the client.
        TokenRequest.Builder builder = new TokenRequest.Builder(tokenEndpoint,
                clientSecret == null ? new PKITLSClientAuthentication(new ClientID(clientId), (SSLSocketFactory) null)
                        : new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret)),
                new ClientCredentialsGrant());
        if (!scope.scopes().isEmpty()) {
            builder.scope(new Scope(scope.scopes().toArray(String[]::new)));
        }
        if (scope.audience() != null) {
            builder.resource(scope.audience());
        }
        HTTPRequest wire = builder.build().toHTTPRequest();
        HttpRequest.Builder request = HttpRequest.newBuilder(wire.getURI())
                .timeout(requestTimeout)
                .method(wire.getMethod().name(), HttpRequest.BodyPublishers.ofString(wire.getBody()));
        wire.getHeaderMap().forEach((name, values) -> values.forEach(value -> request.header(name, value)));
        if (dpop != null) {
            request.header("DPoP", proof("POST", tokenEndpoint, null, tokenEndpointNonce.get()));
        }

        Instant sentAt = clock.instant();
        HttpResponse<String> response;
        try {
            response = httpClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenRequestException("token endpoint unreachable: " + e, -1, e);
        }
        if (dpop != null) {
            response.headers().firstValue("DPoP-Nonce").ifPresent(tokenEndpointNonce::set);
        }
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(toNimbus(response));
        } catch (ParseException e) {
            throw new TokenRequestException("not a token response: HTTP " + response.statusCode(),
                    response.statusCode(), e);
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = parsed.toErrorResponse().getErrorObject();
            throw new TokenRequestException(error.getCode(), error.getDescription(), response.statusCode());
        }
        AccessTokenResponse success = parsed.toSuccessResponse();
        AccessToken accessToken = success.getTokens().getAccessToken();
        AccessTokenType expected = dpop != null ? AccessTokenType.DPOP : AccessTokenType.BEARER;
        if (!expected.equals(accessToken.getType())) {
            if (dpop != null) {
                // RFC 9449 §5: a server that ignored the proof answers Bearer; that token is not bound.
                throw new TokenRequestException("asked for a DPoP-bound token, got token_type "
                        + accessToken.getType(), response.statusCode(), null);
            }
            throw new TokenRequestException("not a bearer token: " + accessToken.getType(),
                    response.statusCode(), null);
        }
        return IssuedToken.issued(accessToken.getValue(), sentAt, accessToken.getLifetime(), renewBefore);
    }

    private static HTTPResponse toNimbus(HttpResponse<String> response) throws ParseException {
        HTTPResponse nimbus = new HTTPResponse(response.statusCode());
        response.headers().map().forEach((name, values) -> nimbus.setHeader(name, values.toArray(String[]::new)));
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        if (contentType != null) {
            nimbus.setContentType(contentType);
        }
        nimbus.setBody(response.body());
        return nimbus;
    }

    private HttpRequest authorized(HttpRequest.Builder request, IssuedToken token) {
        HttpRequest.Builder copy = request.copy();
        if (dpop == null) {
            return copy.setHeader("Authorization", "Bearer " + token.value()).build();
        }
        HttpRequest probe = copy.copy().build();
        URI uri = probe.uri();
        return copy.setHeader("Authorization", "DPoP " + token.value())
                .setHeader("DPoP", proof(probe.method(), uri, token.value(), resourceNonces.get(origin(uri))))
                .build();
    }

    /** A fresh proof: new {@code jti}, {@code iat} now, {@code ath} when a token goes with it. */
    private String proof(String method, URI uri, String accessToken, String nonce) {
        try {
            Nonce n = nonce == null ? null : new Nonce(nonce);
            return (accessToken == null ? dpop.createDPoPJWT(method, uri, n)
                    : dpop.createDPoPJWT(method, uri, new DPoPAccessToken(accessToken), n)).serialize();
        } catch (JOSEException e) {
            throw new TokenRequestException("cannot sign a DPoP proof: " + e.getMessage(), -1, e);
        }
    }

    private static void closeBody(HttpResponse<?> response) {
        if (response.body() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the connection is abandoned either way; the retry does not depend on it
            }
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new TokenRequestException("token request failed: " + cause, -1, cause);
    }

    /** The endpoint, client id and margins; the secret is masked. */
    @Override
    public String toString() {
        return "TokenClient[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId
                + ", clientSecret=****, renewBefore=" + renewBefore + ", requestTimeout=" + requestTimeout + "]";
    }

    /**
     * Configures a {@link TokenClient}; {@link #build()} validates every setting once and names the
     * one that is wrong.
     *
     * <pre>{@code
     * TokenClient tokens = TokenClient.builder()
     *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
     *         .clientId(id).clientSecret(secret)
     *         .renewBefore(Duration.ofSeconds(60))   // default 60 s
     *         .requestTimeout(Duration.ofSeconds(10)) // default 10 s
     *         .clock(Clock.systemUTC())               // default
     *         .httpClient(HttpClient.newHttpClient()) // default: a new one
     *         .build();
     * }</pre>
     */
    public static final class Builder {

        private URI tokenEndpoint;
        private String clientId;
        private String clientSecret;
        private Duration renewBefore = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;
        private boolean dpop;
        private SSLContext sslContext;

        private Builder() {
        }

        /**
         * Ask for DPoP-bound tokens (RFC 9449) and present them with proofs: needed for a client
         * registered with {@code dpop_bound_access_tokens}, and stronger for any other.
         */
        public Builder dpop() {
            this.dpop = true;
            return this;
        }

        /** The tenant's token endpoint, e.g. {@code https://auth.example.com/t/10001/oauth2/token}. */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /** How long before its expiry a cached token is renewed; zero renews only once expired. */
        public Builder renewBefore(Duration renewBefore) {
            this.renewBefore = renewBefore;
            return this;
        }

        /** How long one token request may take before it fails. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** The clock expiry is judged by; tests pass one they move by hand. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The HTTP client for token requests and {@link TokenClient#send}; shared, not closed. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Presents the client certificate of {@code sslContext} (see {@link ClientCertificate}) on
         * token requests and API calls (RFC 8705). Without a {@link #clientSecret} the certificate is
         * the client's credential ({@code tls_client_auth} or {@code self_signed_tls_client_auth});
         * with one, it is what the server binds the tokens to, where the client is set up for that.
         * With an {@link #httpClient} of your own, give it the same SSLContext: it is that client that connects.
         */
        public Builder mutualTls(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting that is missing or invalid */
        public TokenClient build() {
            if (tokenEndpoint == null) {
                throw new IllegalArgumentException("tokenEndpoint is required");
            }
            String scheme = tokenEndpoint.getScheme();
            if (!tokenEndpoint.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                    || tokenEndpoint.getHost() == null) {
                throw new IllegalArgumentException("tokenEndpoint must be an absolute http(s) URI: " + tokenEndpoint);
            }
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("clientId is required");
            }
            boolean mutualTls = sslContext != null;
            if ((clientSecret == null || clientSecret.isEmpty()) && !mutualTls) {
                throw new IllegalArgumentException("clientSecret is required (or mutualTls, for a client that"
                        + " authenticates with its TLS certificate)");
            }
            if (clientSecret != null && clientSecret.isEmpty()) {
                clientSecret = null;
            }
            if (renewBefore == null || renewBefore.isNegative()) {
                throw new IllegalArgumentException("renewBefore must be zero or positive: " + renewBefore);
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock is required");
            }
            return new TokenClient(this);
        }
    }
}
