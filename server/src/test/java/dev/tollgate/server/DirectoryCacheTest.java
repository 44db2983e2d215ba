package dev.tollgate.server;

import dev.tollgate.testing.TestClock;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenResponse;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token path reads tenants, clients and keys through the {@link Directory}: once a client is
 * known, issuing it a token makes no database round trip; administrative changes made through
 * this process take effect on the very next request; changes made behind its back are seen within
 * the staleness bound.
 *
 * <p>The server here runs on a {@link CountingStore} over a real embedded store. Caffeine measures
 * staleness with its own ticker ({@code System.nanoTime}), not the injected clock, so the one test
 * of the bound builds its Directory with sub-second bounds and waits about a second of real time.
 */
class DirectoryCacheTest {

    /** Long enough that no background refresh happens while a test runs. */
    private static final Function<Store, Directory> NO_REFRESH_DURING_TEST =
            store -> new Directory(store, Duration.ofMinutes(10), Duration.ofMinutes(20), 1_000);

    private static final Duration REFRESH_AFTER = Duration.ofMillis(200);
    private static final Duration MAX_STALENESS = Duration.ofMillis(1_000);
    /** Longest a background refresh of this test's Directory may take on a loaded machine. */
    private static final Duration REFRESH_ALLOWANCE = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;

    private final TestClock clock = TestClock.startingNow();
    private JdbcStore realStore;
    private CountingStore store;
    private Tollgate app;
    private TollgateServer server;
    private ClientWithSecret client;
    /** The bootstrap's second credential: never asked for until a test does, so not cached. */
    private ClientWithSecret microservice;

    private void start(Function<Store, Directory> directories) {
        StoreConfig storeConfig = StoreConfig.embedded(dataDir);
        realStore = JdbcStore.open(storeConfig, TestKek.defaultFile(storeConfig));
        store = new CountingStore(realStore);
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(storeConfig)
                .defaultTenant(TENANT).build();
        app = new Tollgate(store, clock, Tollgate.issuersFor(null), directories);
        ProvisionedTenant provisioned = app.bootstrap(TENANT).orElseThrow();
        client = builtin(provisioned, BuiltinClient.DEFAULT);
        microservice = builtin(provisioned, BuiltinClient.MICROSERVICE);
        server = TollgateServer.start(app, config);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void tokenRequestWhenClientKnownThenFurtherTokenRequestsMakeNoStoreCall() {
        start(NO_REFRESH_DURING_TEST);
        store.resetCounts();

        assertThat(issue(client).indicatesSuccess()).isTrue();
        // The first request looks up what it needs once.
        assertThat(reads(store.counts())).isEqualTo(Map.of("tenants.find", 1, "clients.find", 1, "keys.list", 1));
        // No audit write either: the token event goes to the audit stream, its count to memory (added on a timer).
        assertThat(store.counts()).doesNotContainKey("audit.append");
        store.resetCounts();

        for (int i = 0; i < 50; i++) {
            assertThat(issue(client).indicatesSuccess()).isTrue();
        }

        assertThat(reads(store.counts())).isEmpty();
    }

    @Test
    void tokenRequestWhenStoreDownThenKnownClientsKeepGettingTokens() {
        start(NO_REFRESH_DURING_TEST);
        assertThat(issue(client).indicatesSuccess()).isTrue();
        store.resetCounts();

        store.setDown(true);

        for (int i = 0; i < 20; i++) {
            TokenResponse response = issue(client);
            assertThat(response.indicatesSuccess()).as("token %d while the store is down", i).isTrue();
        }
        // Only the audit tried (and failed) to write: an outage costs the audit of these tokens, not the tokens.
        assertThat(reads(store.counts())).isEmpty();
        // A client not seen before needs the store, and does not get a token while it is down.
        HttpResponse<String> unknown = post(tokenEndpoint(TENANT), microservice.client().clientId().value(),
                microservice.secret().reveal());
        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(unknown.body()).contains("\"error\":\"temporarily_unavailable\"").doesNotContain("access_token");
    }

    @Test
    void tokenRequestWhenClientDisabledThroughTheAdminServicesThenRefusedOnTheVeryNextRequest() {
        start(NO_REFRESH_DURING_TEST);
        assertThat(issue(client).indicatesSuccess()).isTrue();

        Administration.of(app).clients.setEnabled(TENANT, client.client().clientId(), false);

        assertRefusedAsInvalidClient(issue(client));

        Administration.of(app).clients.setEnabled(TENANT, client.client().clientId(), true);

        assertThat(issue(client).indicatesSuccess()).isTrue();
    }

    @Test
    void tokenRequestWhenSecretRotatedThroughTheAdminServicesThenTheOldOneFailsAndTheNewOneWorksOnTheVeryNextRequest() {
        start(NO_REFRESH_DURING_TEST);
        assertThat(issue(client).indicatesSuccess()).isTrue();

        ClientWithSecret rotated = Administration.of(app).clients.rotateSecret(TENANT, client.client().clientId(), Duration.ZERO);

        assertRefusedAsInvalidClient(issue(client));
        assertThat(issue(rotated).indicatesSuccess()).isTrue();
    }

    @Test
    void tokenRequestWhenSecretRotatedWithAnOverlapThenBothSecretsWorkUntilItEnds() {
        start(NO_REFRESH_DURING_TEST);
        assertThat(issue(client).indicatesSuccess()).isTrue();

        ClientWithSecret rotated = Administration.of(app).clients.rotateSecret(TENANT, client.client().clientId(), Duration.ofHours(1));

        assertThat(issue(client).indicatesSuccess()).isTrue();
        assertThat(issue(rotated).indicatesSuccess()).isTrue();
        // The overlap is judged by the injected clock, on the cached client.
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertRefusedAsInvalidClient(issue(client));
        assertThat(issue(rotated).indicatesSuccess()).isTrue();
    }

    @Test
    void tokenRequestWhenKeysRotatedThroughTheAdminServicesThenTheVeryNextTokenUsesTheNewKey() throws Exception {
        start(NO_REFRESH_DURING_TEST);
        String before = token(client);
        String next = kidInState(KeyState.NEXT);

        clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(app).keys.rotate(TENANT);

        assertThat(kidOf(token(client))).isEqualTo(next).isNotEqualTo(kidOf(before));
    }

    @Test
    void tokenRequestWhenTenantSettingChangedThroughTheAdminServicesThenTheVeryNextTokenFollowsIt() throws Exception {
        start(NO_REFRESH_DURING_TEST);
        assertThat(audienceOf(token(client))).containsExactly(server.baseUrl() + "/t/10001/api");

        Administration.of(app).tenants.updateSettings(TENANT, s -> s.withDefaultAudience("https://changed.example.test"));

        assertThat(audienceOf(token(client))).containsExactly("https://changed.example.test");
    }

    @Test
    void tokenRequestWhenTenantAskedForBeforeItExistedThenUsableAsSoonAsItIsCreated() {
        start(NO_REFRESH_DURING_TEST);
        TenantId later = TenantId.of("20002");
        HttpResponse<String> before = post(tokenEndpoint(later), client.client().clientId().value(),
                client.secret().reveal());
        assertThat(before.statusCode()).isBetween(400, 499);

        ProvisionedTenant created = Administration.of(app).tenants.create(later, "Created later", TenantSettings.DEFAULTS);

        ClientWithSecret itsClient = builtin(created, BuiltinClient.DEFAULT);
        HttpResponse<String> after = post(tokenEndpoint(later), itsClient.client().clientId().value(),
                itsClient.secret().reveal());
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }

    /**
     * Another node or the CLI writes straight to the database; this process's cache is not told.
     * It keeps serving what it has (no database wait on the hot path) and sees the change within
     * {@code maxStaleness} (here 1 s; {@link Directory#withDefaults} uses 10 s).
     */
    @Test
    void tokenRequestWhenChangeMadeBehindTheCachesBackThenSeenWithinTheStalenessBound() throws Exception {
        start(store -> new Directory(store, REFRESH_AFTER, MAX_STALENESS, 1_000));
        long loadedNoEarlierThan = System.nanoTime();
        String first = token(client);
        String next = kidInState(KeyState.NEXT);

        long changedAt = System.nanoTime();
        ClientCredential current = realStore.clients().find(TENANT, client.client().clientId()).orElseThrow();
        realStore.clients().update(current.withEnabled(false, clock.instant()));
        assertThat(realStore.keys().apply(KeyRotation.rotate(realStore.keys().list(TENANT),
                TenantSettings.DEFAULTS.signingAlgorithm(), ClientCredential.MAX_TOKEN_TTL, clock.instant()))).isTrue();

        TokenResponse stale = issue(client);
        if (System.nanoTime() - loadedNoEarlierThan < MAX_STALENESS.toNanos()) {
            // Still within the bound: the cached client (enabled) and key ring (old kid) are served.
            assertThat(stale.indicatesSuccess()).isTrue();
            assertThat(kidOf(stale.toSuccessResponse().getTokens().getAccessToken().getValue()))
                    .isEqualTo(kidOf(first));
        }

        sleepUntil(changedAt + MAX_STALENESS.plusMillis(100).toNanos());

        // A background refresh that read the store just before the change and finished just after
        // it restarts the entry's age at its finish: the bound is the staleness plus one refresh's
        // duration, which on a loaded machine can pass the 100 ms above. Asked again until then.
        TokenResponse refused = issue(client);
        long refreshAllowance = changedAt + MAX_STALENESS.plus(REFRESH_ALLOWANCE).toNanos();
        while (refused.indicatesSuccess() && System.nanoTime() < refreshAllowance) {
            Thread.sleep(20);
            refused = issue(client);
        }
        assertRefusedAsInvalidClient(refused);
        String kid = kidOf(token(microservice));
        while (!kid.equals(next) && System.nanoTime() < refreshAllowance) {
            Thread.sleep(20);
            kid = kidOf(token(microservice));
        }
        assertThat(kid).isEqualTo(next);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long remaining = nanoTime - System.nanoTime();
        if (remaining > 0) {
            Thread.sleep(Duration.ofNanos(remaining));
        }
    }

    private URI tokenEndpoint(TenantId tenant) {
        return URI.create(server.baseUrl() + "/t/" + tenant.value() + "/oauth2/token");
    }

    private TokenResponse issue(ClientWithSecret who) {
        return NimbusClient.request(tokenEndpoint(TENANT), NimbusClient.basic(who), null);
    }

    private String token(ClientWithSecret who) {
        return NimbusClient.accessToken(tokenEndpoint(TENANT), NimbusClient.basic(who), null);
    }

    private static void assertRefusedAsInvalidClient(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as("token response").isFalse();
        assertThat(response.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(response.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
    }

    private static ClientWithSecret builtin(ProvisionedTenant tenant, BuiltinClient which) {
        return tenant.clients().stream().filter(c -> c.client().builtin() == which).findFirst().orElseThrow();
    }

    private String kidInState(KeyState state) {
        return realStore.keys().list(TENANT).stream().filter(k -> k.state() == state).map(SigningKey::kid)
                .findFirst().orElseThrow();
    }

    private static String kidOf(String token) throws java.text.ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private static List<String> audienceOf(String token) throws java.text.ParseException {
        return SignedJWT.parse(token).getJWTClaimsSet().getAudience();
    }

    private static HttpResponse<String> post(URI uri, String clientId, String secret) {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Store calls other than the token audit's writes, made by design (in the committed mode, or the counts' flush). */
    private static Map<String, Integer> reads(Map<String, Integer> counts) {
        Map<String, Integer> reads = new java.util.TreeMap<>(counts);
        // The revocation lists are re-read on a timer (every few seconds), not by a token request; on a
        // slow machine the 50 requests outlast one period, and that read is not the token path's. The
        // token counts are added to the store on a timer too.
        reads.keySet().removeIf(name -> name.startsWith("audit.") || name.startsWith("revocations.list")
                || name.startsWith("tokenCounts."));
        return reads;
    }
}
