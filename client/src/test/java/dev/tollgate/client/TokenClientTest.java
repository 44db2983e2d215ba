package dev.tollgate.client;

import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenClientTest {

    private static final TokenScope USERS_READ = TokenScope.of(Set.of("users:read"));

    private final FakeServer server = new FakeServer();
    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private TokenClient client(Duration renewBefore) {
        return TokenClient.builder()
                .tokenEndpoint(server.tokenEndpoint())
                .clientId("client-1").clientSecret("s3cret:with/odd chars")
                .renewBefore(renewBefore)
                .clock(clock)
                .httpClient(http)
                .build();
    }

    private TokenClient client() {
        return client(Duration.ofSeconds(60));
    }

    @Test
    void accessTokenWhenAskedTwiceThenOneTokenRequest() {
        TokenClient tokens = client();

        String first = tokens.accessToken(USERS_READ);
        String second = tokens.accessToken(TokenScope.of(List.of("users:read")));

        assertThat(first).isEqualTo("token-1");
        assertThat(second).isEqualTo(first);
        assertThat(server.tokenRequests).hasValue(1);
    }

    @Test
    void accessTokenWhenRequestedThenSendsClientCredentialsWithBasicScopeAndResource() {
        TokenClient tokens = client();

        tokens.accessToken(TokenScope.of(Set.of("users:write", "users:read"), "https://api.example.com"));

        FakeServer.TokenCall call = server.tokenCalls.getFirst();
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64
        String credentials = new String(Base64.getDecoder().decode(call.authorization().substring("Basic ".length())),
                StandardCharsets.UTF_8);
        assertThat(credentials).isEqualTo("client-1:s3cret%3Awith%2Fodd+chars");
        assertThat(call.form()).containsEntry("grant_type", "client_credentials")
                .containsEntry("scope", "users:read users:write")
                .containsEntry("resource", "https://api.example.com")
                .doesNotContainKeys("client_id", "client_secret");
    }

    @Test
    void accessTokenWhenDefaultsThenNoScopeNorResourceSent() {
        TokenClient tokens = client();

        tokens.accessToken();

        assertThat(server.tokenCalls.getFirst().form()).containsOnlyKeys("grant_type");
    }

    @Test
    void accessTokenWhenScopesOrAudienceDifferThenSeparateTokens() {
        TokenClient tokens = client();

        String read = tokens.accessToken(USERS_READ);
        String write = tokens.accessToken(TokenScope.of(Set.of("users:write")));
        String readForApi = tokens.accessToken(TokenScope.of(Set.of("users:read"), "https://api.example.com"));
        String readForOther = tokens.accessToken(TokenScope.of(Set.of("users:read"), "https://other.example.com"));

        assertThat(List.of(read, write, readForApi, readForOther)).doesNotHaveDuplicates();
        assertThat(server.tokenRequests).hasValue(4);
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(read);
        assertThat(tokens.accessToken(TokenScope.of(Set.of("users:read"), "https://api.example.com")))
                .isEqualTo(readForApi);
        assertThat(server.tokenRequests).hasValue(4);
    }

    @Test
    void accessTokenWhenWithinRenewalMarginThenRenewedBeforeExpiry() {
        server.expiresIn = 300;
        TokenClient tokens = client(Duration.ofSeconds(60));
        String first = tokens.accessToken(USERS_READ);

        clock.advance(Duration.ofSeconds(239));
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(first);
        assertThat(server.tokenRequests).hasValue(1);

        clock.advance(Duration.ofSeconds(1)); // expiresAt - renewBefore: 60 s before the token expires
        String renewed = tokens.accessToken(USERS_READ);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(server.tokenRequests).hasValue(2);

        clock.advance(Duration.ofSeconds(239));
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(renewed);
        assertThat(server.tokenRequests).hasValue(2);
    }

    @Test
    void accessTokenWhenMarginExceedsLifetimeThenRenewedAtHalfLifetime() {
        server.expiresIn = 60;
        TokenClient tokens = client(Duration.ofMinutes(5));
        String first = tokens.accessToken(USERS_READ);

        clock.advance(Duration.ofSeconds(29));
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.accessToken(USERS_READ)).isNotEqualTo(first);
        assertThat(server.tokenRequests).hasValue(2);
    }

    @Test
    void accessTokenWhenZeroMarginThenReusedUntilExpiry() {
        server.expiresIn = 300;
        TokenClient tokens = client(Duration.ZERO);
        String first = tokens.accessToken(USERS_READ);

        clock.advance(Duration.ofSeconds(299));
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.accessToken(USERS_READ)).isNotEqualTo(first);
    }

    @Test
    void accessTokenWhen200ConcurrentCallersThenExactlyOneTokenRequest() throws Exception {
        server.delayMillis = 200; // keep the one request in flight while the others arrive
        TokenClient tokens = client();

        List<String> results = Concurrently.run(200, () -> tokens.accessToken(USERS_READ));

        assertThat(server.tokenRequests).hasValue(1);
        assertThat(results).hasSize(200).containsOnly("token-1");
    }

    @Test
    void accessTokenWhen200ConcurrentCallersFindItDueThenExactlyOneRenewal() throws Exception {
        server.expiresIn = 300;
        TokenClient tokens = client(Duration.ofSeconds(60));
        tokens.accessToken(USERS_READ);
        clock.advance(Duration.ofSeconds(250));
        server.delayMillis = 200;

        List<String> results = Concurrently.run(200, () -> tokens.accessToken(USERS_READ));

        assertThat(server.tokenRequests).hasValue(2);
        assertThat(results).hasSize(200).containsOnly("token-2");
    }

    @Test
    void accessTokenWhenRefusedThenTypedErrorAndNothingCached() {
        server.refuse(400, "invalid_scope", "scope not allowed: admin");
        TokenClient tokens = client();

        assertThatThrownBy(() -> tokens.accessToken(TokenScope.of(Set.of("admin"))))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("invalid_scope");
                    assertThat(e.errorDescription()).isEqualTo("scope not allowed: admin");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });

        server.accept();
        assertThat(tokens.accessToken(TokenScope.of(Set.of("admin")))).isEqualTo("token-2");
        assertThat(server.tokenRequests).hasValue(2);
    }

    @Test
    void accessTokenWhenClientRejectedThenInvalidClientWith401() {
        server.refuse(401, "invalid_client", "client authentication failed");
        TokenClient tokens = client();

        assertThatThrownBy(tokens::accessToken)
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("invalid_client");
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                });
    }

    @Test
    void accessTokenWhenRefusedUnderConcurrencyThenEveryCallerGetsTheErrorFromOneRequest() throws Exception {
        server.refuse(400, "invalid_scope", "no");
        server.delayMillis = 200;
        TokenClient tokens = client();

        List<String> results = Concurrently.run(50, () -> {
            try {
                return tokens.accessToken(USERS_READ);
            } catch (TokenRequestException e) {
                return e.errorCode();
            }
        });

        assertThat(results).containsOnly("invalid_scope");
        // waiters share the one failure; none of them sends its own request
        assertThat(server.tokenRequests).hasValue(1);
    }

    @Test
    void accessTokenWhenEndpointUnreachableThenTokenRequestExceptionWithoutStatus() {
        URI endpoint = server.tokenEndpoint();
        server.close();
        TokenClient tokens = TokenClient.builder().tokenEndpoint(endpoint)
                .clientId("client-1").clientSecret("secret").httpClient(http).build();

        assertThatThrownBy(tokens::accessToken)
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.errorCode()).isNull();
                    assertThat(e.httpStatus()).isEqualTo(-1);
                });
    }

    @Test
    void accessTokenWhenAnswerIsNotJsonThenTokenRequestException() {
        server.refuse(502, "x", "y");
        server.errorBody = "<html>bad gateway</html>";
        TokenClient tokens = client();

        assertThatThrownBy(tokens::accessToken)
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.httpStatus()).isEqualTo(502));
    }

    @Test
    void sendWhenCalledTwiceThenAddsBearerTokenAndReusesIt() throws Exception {
        TokenClient tokens = client();

        HttpResponse<String> first = tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofString(), USERS_READ);
        HttpResponse<String> second = tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofString(), USERS_READ);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("hello token-1");
        assertThat(second.body()).isEqualTo("hello token-1");
        assertThat(server.tokenRequests).hasValue(1);
    }

    @Test
    void sendWhenApiAnswers401ThenRenewsOnceAndRetriesOnce() throws Exception {
        TokenClient tokens = client();
        String revoked = tokens.accessToken(USERS_READ);
        server.rejected.add(revoked);

        HttpResponse<String> response = tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofString(), USERS_READ);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello token-2");
        assertThat(server.tokenRequests).hasValue(2);
        assertThat(server.apiTokens).containsExactly(revoked, "token-2");
        assertThat(tokens.accessToken(USERS_READ)).isEqualTo("token-2");
    }

    @Test
    void sendWhenRetryAlsoAnswers401ThenReturnsItWithoutLooping() throws Exception {
        server.apiAlwaysUnauthorized = true;
        TokenClient tokens = client();

        HttpResponse<String> response = tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofString(), USERS_READ);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(server.tokenRequests).hasValue(2);
        assertThat(server.apiRequests).hasValue(2);
    }

    @Test
    void sendWhenManyCallersGet401WithTheSameTokenThenOneRenewal() throws Exception {
        TokenClient tokens = client();
        String revoked = tokens.accessToken(USERS_READ);
        server.rejected.add(revoked);
        server.delayMillis = 200;

        List<String> bodies = Concurrently.run(50, () -> tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofString(), USERS_READ).body());

        assertThat(bodies).containsOnly("hello token-2");
        assertThat(server.tokenRequests).hasValue(2);
    }

    @Test
    void sendWhenBodyIsAStreamThenRetryWorks() throws Exception {
        TokenClient tokens = client();
        server.rejected.add(tokens.accessToken(USERS_READ));

        HttpResponse<java.io.InputStream> response = tokens.send(HttpRequest.newBuilder(server.api()).GET(),
                HttpResponse.BodyHandlers.ofInputStream(), USERS_READ);

        try (var body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello token-2");
        }
    }

    @Test
    void invalidateWhenTokenAlreadyReplacedThenKeepsTheNewOne() {
        TokenClient tokens = client();
        String first = tokens.accessToken(USERS_READ);
        tokens.invalidate(USERS_READ, first);
        String second = tokens.accessToken(USERS_READ);

        tokens.invalidate(USERS_READ, first); // a late report about the old token

        assertThat(tokens.accessToken(USERS_READ)).isEqualTo(second);
        assertThat(server.tokenRequests).hasValue(2);
    }

    @Test
    void buildWhenSettingMissingThenErrorNamesIt() {
        assertThatThrownBy(() -> TokenClient.builder().clientId("a").clientSecret("b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenEndpoint");
        assertThatThrownBy(() -> TokenClient.builder().tokenEndpoint(URI.create("https://a/t")).clientSecret("b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
        assertThatThrownBy(() -> TokenClient.builder().tokenEndpoint(URI.create("https://a/t")).clientId("a").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientSecret");
        assertThatThrownBy(() -> TokenClient.builder().tokenEndpoint(URI.create("https://a/t")).clientId("a")
                .clientSecret("b").renewBefore(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("renewBefore");
        assertThatThrownBy(() -> TokenClient.builder().tokenEndpoint(URI.create("/relative")).clientId("a")
                .clientSecret("b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenEndpoint");
    }

    @Test
    void toStringWhenClientHasASecretThenMasked() {
        assertThat(client().toString()).contains("client-1").contains("****").doesNotContain("s3cret");
    }

    @Test
    void issuedTokenToStringWhenPrintedThenTheTokenMasked() {
        assertThat(IssuedToken.issued("abc.def.ghi", clock.instant(), 300, Duration.ZERO).toString())
                .doesNotContain("abc.def.ghi");
    }

    @Test
    void closeWhenTheClientMadeItsHttpClientThenThatHttpClientIsTerminated() throws Exception {
        TokenClient tokens = TokenClient.builder()
                .tokenEndpoint(server.tokenEndpoint())
                .clientId("client-1").clientSecret("secret")
                .build();
        tokens.accessToken(USERS_READ);

        tokens.close();

        assertThat(tokens.httpClient().awaitTermination(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void closeWhenGivenAnHttpClientThenItStaysOpen() {
        try (TokenClient tokens = client()) {
            tokens.accessToken(USERS_READ);
        }

        assertThat(http.isTerminated()).isFalse();
    }
}
