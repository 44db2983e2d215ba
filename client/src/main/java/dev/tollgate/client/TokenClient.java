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
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PKITLSClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <h2>Without a secret</h2>
 * <pre>{@code
 * // private_key_jwt (RFC 7523 §2.2): a private JWK or a PKCS#8 PEM file
 * TokenClient signed = TokenClient.builder()
 *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
 *         .clientId(id).privateKey(Path.of("/etc/tollgate/client-key.pem"))
 *         .build();
 *
 * // workload identity federation: the platform's token, re-read from its file on every renewal
 * TokenClient workload = TokenClient.builder()
 *         .tokenEndpoint(URI.create("https://auth.example.com/t/10001/oauth2/token"))
 *         .clientId(id).tokenFile(Path.of("/var/run/secrets/tollgate/token"))
 *         .build();
 * }</pre>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>The client authenticates with {@code client_secret_basic} (RFC 6749 §2.3.1), a
 *       {@code private_key_jwt} assertion signed for each token request (fresh {@code jti}, one
 *       minute of life; only the parsed key is kept, since the server accepts each assertion
 *       once), or the platform token read from {@link Builder#tokenFile} at each token request
 *       (sent as an RFC 7523 client assertion with {@code client_id}); scopes go in
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
    /** private_key_jwt: the signing key; null otherwise. */
    private final ClientKeyFile clientKey;
    /** private_key_jwt: the assertion's aud, the tenant's issuer. */
    private final String assertionAudience;
    /** Workload identity federation: the file the platform keeps its current token in; null otherwise. */
    private final Path tokenFile;
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
        this.clientKey = builder.privateKey == null ? null : ClientKeyFile.read(builder.privateKey, builder.keyId);
        this.assertionAudience = builder.assertionAudience != null ? builder.assertionAudience
                : issuerOf(builder.tokenEndpoint);
        this.tokenFile = builder.tokenFile;
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

    /**
     * A builder; {@code tokenEndpoint}, {@code clientId} and one of {@code clientSecret},
     * {@code privateKey} and {@code tokenFile} are required.
     */
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
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenEndpoint).timeout(requestTimeout);
        if (tokenFile != null) {
            // RFC 7523 §2.2 with client_id: the platform token's sub is the workload, not the client
            // id, so Nimbus' PrivateKeyJWT (iss = sub = client_id) does not fit; the form is built here.
            Map<String, List<String>> form = new LinkedHashMap<>(new ClientCredentialsGrant().toParameters());
            if (!scope.scopes().isEmpty()) {
                form.put("scope", List.of(new Scope(scope.scopes().toArray(String[]::new)).toString()));
            }
            if (scope.audience() != null) {
                form.put("resource", List.of(scope.audience().toString()));
            }
            form.put("client_id", List.of(clientId));
            form.put("client_assertion_type", List.of(JWT_BEARER));
            form.put("client_assertion", List.of(readTokenFile()));
            request.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(URLUtils.serializeParameters(form)));
        } else {
            TokenRequest.Builder builder = new TokenRequest.Builder(tokenEndpoint, authentication(),
                    new ClientCredentialsGrant());
            if (!scope.scopes().isEmpty()) {
                builder.scope(new Scope(scope.scopes().toArray(String[]::new)));
            }
            if (scope.audience() != null) {
                builder.resource(scope.audience());
            }
            HTTPRequest wire = builder.build().toHTTPRequest();
            request.method(wire.getMethod().name(), HttpRequest.BodyPublishers.ofString(wire.getBody()));
            wire.getHeaderMap().forEach((name, values) -> values.forEach(value -> request.header(name, value)));
        }
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

    /** RFC 7523 §2.2's client assertion type. */
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** How long a private_key_jwt assertion lives: it is used at once, and the server accepts at most 5 min. */
    static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(60);

    /** The secret, or a newly signed private_key_jwt assertion: never a cached one (its jti is single-use). */
    private ClientAuthentication authentication() {
        if (clientKey == null && clientSecret == null) {
            // RFC 8705 §2: client_id in the body; the TLS client certificate proves it.
            return new PKITLSClientAuthentication(new ClientID(clientId), (SSLSocketFactory) null);
        }
        if (clientKey == null) {
            return new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret));
        }
        Instant now = clock.instant();
        try {
            return new PrivateKeyJWT(new JWTAuthenticationClaimsSet(new ClientID(clientId),
                    List.of(new Audience(assertionAudience)), Date.from(now.plus(ASSERTION_LIFETIME)), null,
                    Date.from(now), new JWTID()), clientKey.algorithm(), clientKey.key(), clientKey.keyId(), null);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new TokenRequestException("cannot sign the client assertion: " + e.getMessage(), -1, e);
        }
    }

    /**
     * The platform's current token: read anew for every token request, since the platform replaces
     * the file before the token expires (the kubelet at 80% of its life) and the server accepts each
     * token once.
     */
    private String readTokenFile() {
        try {
            String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
            if (token.isEmpty()) {
                throw new TokenRequestException("token file " + tokenFile + " is empty", -1, null);
            }
            return token;
        } catch (IOException e) {
            throw new TokenRequestException("cannot read token file " + tokenFile + ": " + e, -1, e);
        }
    }

    /** {@code https://host/t/10001} for {@code https://host/t/10001/oauth2/token}: the aud Tollgate expects. */
    static String issuerOf(URI tokenEndpoint) {
        String endpoint = tokenEndpoint.toString();
        String suffix = "/oauth2/token";
        return endpoint.endsWith(suffix) ? endpoint.substring(0, endpoint.length() - suffix.length()) : endpoint;
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
        String auth = clientKey != null ? "privateKey=" + clientKey.algorithm()
                : tokenFile != null ? "tokenFile=" + tokenFile : "clientSecret=****";
        return "TokenClient[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId
                + ", " + auth + ", renewBefore=" + renewBefore + ", requestTimeout=" + requestTimeout + "]";
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
        private Path privateKey;
        private String keyId;
        private String assertionAudience;
        private Path tokenFile;
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

        /**
         * private_key_jwt instead of a secret: the client's private key, a private JWK or a PKCS#8
         * PEM (EC P-256/384/521 or RSA of 2048 bits or more), read once by {@link #build()}.
         */
        public Builder privateKey(Path privateKey) {
            this.privateKey = privateKey;
            return this;
        }

        /** The {@code kid} to send with a PEM key (a JWK's own kid is used otherwise); Tollgate lists it per key. */
        public Builder keyId(String keyId) {
            this.keyId = keyId;
            return this;
        }

        /** The private_key_jwt assertion's {@code aud}; default the tenant's issuer, the token endpoint minus {@code /oauth2/token}. */
        public Builder assertionAudience(String assertionAudience) {
            this.assertionAudience = assertionAudience;
            return this;
        }

        /**
         * Workload identity federation instead of a secret: the file holding the platform's token,
         * e.g. a Kubernetes projected service-account token. Read at each token request, never cached.
         */
        public Builder tokenFile(Path tokenFile) {
            this.tokenFile = tokenFile;
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
            if (clientSecret != null && clientSecret.isEmpty()) {
                if (!mutualTls) {
                    throw new IllegalArgumentException("clientSecret is required");
                }
                clientSecret = null;
            }
            int ways = (clientSecret != null ? 1 : 0) + (privateKey != null ? 1 : 0) + (tokenFile != null ? 1 : 0);
            if (ways > 1 || ways == 0 && !mutualTls) {
                throw new IllegalArgumentException(ways == 0 ? "clientSecret, privateKey or tokenFile is required (or"
                        + " mutualTls, for a client that authenticates with its TLS certificate)"
                        : "set one of clientSecret, privateKey and tokenFile (one authentication method per client)");
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
