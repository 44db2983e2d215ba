package dev.tollgate.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.client.Concurrently;
import dev.tollgate.client.TokenClient;
import dev.tollgate.client.TokenRequestException;
import dev.tollgate.client.TokenScope;
import dev.tollgate.core.admin.ClientWithSecret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The client library ({@code client/}) against the real server over HTTP: single flight, renewal
 * before expiry judged by the shared clock, and recovery from a revoked token by one renew-and-retry.
 */
class ClientLibraryTest {

    private static final TokenScope USERS_READ = TokenScope.of(Set.of("users:read"));

    @Test
    void accessTokenWhenTwoHundredConcurrentCallersThenExactlyOneTokenRequestReachesTheServer() throws Exception {
        try (TestServer server = TestServer.embedded(); CountingHttpClient http = new CountingHttpClient()) {
            TokenClient tokens = tokenClient(server, http, Duration.ofSeconds(60));

            List<String> results = Concurrently.run(200, () -> tokens.accessToken(USERS_READ));

            assertThat(http.requestsTo(server.tokenEndpoint())).isEqualTo(1);
            assertThat(results).hasSize(200).containsOnly(results.getFirst());
            assertThat(SignedJWT.parse(results.getFirst()).getJWTClaimsSet().getStringClaim("scope"))
                    .isEqualTo("users:read");
        }
    }

    @Test
    void accessTokenWhenDueForRenewalThenNewOneFetchedBeforeTheOldExpires() throws Exception {
        try (TestServer server = TestServer.embedded(); CountingHttpClient http = new CountingHttpClient()) {
            Duration renewBefore = Duration.ofSeconds(60);
            // the client and the server share one clock, as two hosts with synchronised clocks do
            TokenClient tokens = tokenClient(server, http, renewBefore);
            String first = tokens.accessToken(USERS_READ);
            Instant firstExpires = expiry(first);
            Instant renewAt = firstExpires.minus(renewBefore);

            server.clock().set(renewAt.minusSeconds(1));
            assertThat(tokens.accessToken(USERS_READ)).isEqualTo(first);
            assertThat(http.requestsTo(server.tokenEndpoint())).isEqualTo(1);

            server.clock().set(renewAt);
            String renewed = tokens.accessToken(USERS_READ);

            assertThat(renewed).isNotEqualTo(first);
            assertThat(http.requestsTo(server.tokenEndpoint())).isEqualTo(2);
            assertThat(server.clock().instant()).isBefore(firstExpires); // the old one had not expired
            assertThat(expiry(renewed)).isAfter(firstExpires);
        }
    }

    @Test
    void sendWhenTokenRevokedThenOneRenewAndOneRetrySucceed() throws Exception {
        try (TestServer server = TestServer.embedded(); CountingHttpClient http = new CountingHttpClient();
             RevokingApi api = new RevokingApi(server)) {
            TokenClient tokens = tokenClient(server, http, Duration.ofSeconds(60));
            HttpResponse<String> before = tokens.send(HttpRequest.newBuilder(api.uri()).GET(),
                    HttpResponse.BodyHandlers.ofString(), USERS_READ);
            assertThat(before.statusCode()).isEqualTo(200);
            String revoked = api.tokensSeen.getLast();

            api.revoke(revoked);
            HttpResponse<String> after = tokens.send(HttpRequest.newBuilder(api.uri()).GET(),
                    HttpResponse.BodyHandlers.ofString(), USERS_READ);

            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo("hello " + server.defaultClient().client().clientId().value());
            assertThat(http.requestsTo(server.tokenEndpoint())).isEqualTo(2); // the first token, one renewal
            assertThat(api.tokensSeen).hasSize(3);
            assertThat(api.tokensSeen.get(1)).isEqualTo(revoked);
            assertThat(api.tokensSeen.get(2)).isNotEqualTo(revoked);
            assertThat(api.unauthorized).hasValue(1);
        }
    }

    @Test
    void sendWhenClientDisabledAfterRevocationThenRetriedRenewalFailsWithInvalidClient() throws Exception {
        try (TestServer server = TestServer.embedded(); CountingHttpClient http = new CountingHttpClient();
             RevokingApi api = new RevokingApi(server)) {
            TokenClient tokens = tokenClient(server, http, Duration.ofSeconds(60));
            String token = tokens.accessToken(USERS_READ);
            api.revoke(token);
            ClientWithSecret client = server.defaultClient();
            Administration.of(server.app()).clients.setEnabled(TestServer.TENANT, client.client().clientId(), false);

            TokenRequestException thrown = catchThrowableOfType(TokenRequestException.class,
                    () -> tokens.send(HttpRequest.newBuilder(api.uri()).GET(),
                            HttpResponse.BodyHandlers.ofString(), USERS_READ));

            assertThat(thrown.errorCode()).isEqualTo("invalid_client");
            assertThat(thrown.httpStatus()).isEqualTo(401);
            assertThat(api.tokensSeen).hasSize(1); // no retry without a new token
        }
    }

    private static TokenClient tokenClient(TestServer server, HttpClient http, Duration renewBefore) {
        ClientWithSecret client = server.defaultClient();
        return TokenClient.builder()
                .tokenEndpoint(server.tokenEndpoint())
                .clientId(client.client().clientId().value())
                .clientSecret(client.secret().reveal())
                .renewBefore(renewBefore)
                .clock(server.clock())
                .httpClient(http)
                .build();
    }

    private static Instant expiry(String token) throws ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
    }

    /**
     * An API as a resource server writes one: it checks the bearer token against the tenant's
     * JWKS with Nimbus (ES256, {@code typ at+jwt}, issuer, expiry) and refuses tokens whose
     * {@code jti} it was told are revoked, with RFC 6750 §3.1 {@code 401 invalid_token}.
     */
    private static final class RevokingApi implements AutoCloseable {

        private final HttpServer http;
        private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        private final Set<String> revokedIds = ConcurrentHashMap.newKeySet();
        final List<String> tokensSeen = new CopyOnWriteArrayList<>();
        final AtomicInteger unauthorized = new AtomicInteger();

        RevokingApi(TestServer server) throws IOException {
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                    JWKSourceBuilder.create(server.jwksUri().toURL()).build()));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder().issuer(server.issuer()).build(), Set.of("exp", "jti", "client_id")));
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/api", this::handle);
            http.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/api");
        }

        void revoke(String token) {
            try {
                revokedIds.add(SignedJWT.parse(token).getJWTClaimsSet().getJWTID());
            } catch (ParseException e) {
                throw new IllegalArgumentException(e);
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring("Bearer ".length()) : "";
            tokensSeen.add(token);
            JWTClaimsSet claims;
            try {
                claims = processor.process(token, null);
            } catch (Exception e) {
                claims = null;
            }
            if (claims == null || revokedIds.contains(claims.getJWTID())) {
                unauthorized.incrementAndGet();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            byte[] body;
            try {
                body = ("hello " + claims.getStringClaim("client_id")).getBytes(StandardCharsets.UTF_8);
            } catch (ParseException e) {
                throw new IOException(e);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
