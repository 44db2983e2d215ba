package dev.tollgate.server;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AuditAction;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ScheduledRotation;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyRotationSchedule;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, point 6: automatic rotation on a tenant schedule, done by exactly one node. Separate
 * nodes (each its own store connection pool, directory and scheduler) share one database and one
 * test clock; every step, all of them tick at the same moment, as their timers would.
 */
class AutomaticKeyRotationTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Duration INTERVAL = Duration.ofHours(1);
    private static final Duration STEP = Duration.ofMinutes(5);

    private final TestClock clock = TestClock.startingNow();
    @TempDir
    Path temp;

    private final List<Tollgate> nodes = new ArrayList<>();
    private final ExecutorService ticking = Executors.newCachedThreadPool();
    private PostgresTestDatabase database;
    private ClientWithSecret client;

    @AfterEach
    void stopNodes() {
        ticking.shutdownNow();
        nodes.forEach(Tollgate::close);
        if (database != null) {
            database.close();
        }
    }

    @Test
    void tickWhenThreeNodesOnPostgresqlThenExactlyOneRotationPerPeriodNoneEarlyAndRetiredKeysStayPublished()
            throws Exception {
        database = PostgresTestDatabase.create();
        startNodes(3, database.storeConfig());

        exactlyOneRotationPerPeriod();
    }

    @Test
    void tickWhenTwoNodesOnTheEmbeddedStoreThenExactlyOneRotationPerPeriodNoneEarlyAndRetiredKeysStayPublished()
            throws Exception {
        // AUTO_SERVER=TRUE lets a second process (another node, the CLI) open the same file; in one JVM
        // both stores share H2's one database, so the race is between two transactions as it would be.
        startNodes(2, StoreConfig.embedded(temp.resolve("data")));

        exactlyOneRotationPerPeriod();
    }

    @Test
    void tickWhenDueButTheNextKeyWasJustPublishedThenEveryNodeDefersUntilItHasBeenPublishedLongEnough()
            throws Exception {
        database = PostgresTestDatabase.create();
        startNodes(3, database.storeConfig());
        clock.advance(INTERVAL);
        // An emergency just replaced NEXT: the new one is in no verifier's cached JWKS yet.
        String next = keys(KeyState.NEXT).get(0).kid();
        nodes.get(1).adminOperations().keys().revoke(Actor.cli(TENANT), TENANT, next);
        String current = keys(KeyState.CURRENT).get(0).kid();

        for (Duration waited = Duration.ZERO; waited.compareTo(KeyRotation.PUBLISHED_BEFORE_SIGNING) < 0;
             waited = waited.plusSeconds(30)) {
            List<ScheduledRotation> outcomes = tickEveryNode();
            assertThat(outcomes).as("after %s", waited).allSatisfy(outcome -> {
                assertThat(outcome.rotated()).isFalse();
                assertThat(outcome.decision()).isInstanceOfSatisfying(KeyRotationSchedule.Deferred.class,
                        deferred -> assertThat(deferred.reason()).contains("published for less than 310 s"));
            });
            assertThat(keys(KeyState.CURRENT).get(0).kid()).isEqualTo(current);
            clock.advance(Duration.ofSeconds(30));
        }
        clock.set(keys(KeyState.NEXT).get(0).createdAt().plus(KeyRotation.PUBLISHED_BEFORE_SIGNING));

        assertThat(tickEveryNode()).filteredOn(ScheduledRotation::rotated).hasSize(1);
        assertThat(keys(KeyState.RETIRED)).extracting(SigningKey::kid).containsExactly(current);
        assertThat(systemRotations()).hasSize(1);
    }

    @Test
    void tickWhenTheTenantTurnedAutomaticRotationOffThenNoNodeRotates() throws Exception {
        database = PostgresTestDatabase.create();
        startNodes(2, database.storeConfig());
        nodes.get(0).adminOperations().tenants().updateSettings(Actor.cli(TENANT), TENANT,
                s -> s.withKeyRotationInterval(null));
        String current = keys(KeyState.CURRENT).get(0).kid();

        clock.advance(Duration.ofDays(400));

        assertThat(tickEveryNode()).noneMatch(ScheduledRotation::rotated);
        assertThat(keys(KeyState.CURRENT).get(0).kid()).isEqualTo(current);
        assertThat(systemRotations()).isEmpty();
    }

    /**
     * Five hours in 5-minute steps: a rotation exactly when the CURRENT key has signed for an hour
     * (never a step before), by one node; a token signed just before a rotation verifies against
     * every node's JWKS until it expires.
     */
    private void exactlyOneRotationPerPeriod() throws Exception {
        Instant start = clock.instant();
        Instant currentSince = start;
        String currentKid = keys(KeyState.CURRENT).get(0).kid();
        List<IssuedToken> signedByRetiredKeys = new ArrayList<>();
        int rotations = 0;
        for (int step = 0; step <= 60; step++) {
            if (step % 12 == 11) {
                signedByRetiredKeys.add(issue(nodes.get(step % nodes.size())));
            }
            List<ScheduledRotation> outcomes = tickEveryNode();
            boolean due = !clock.instant().isBefore(currentSince.plus(INTERVAL));

            assertThat(outcomes.stream().filter(ScheduledRotation::rotated).count())
                    .as("nodes that rotated at +%d min", step * 5).isEqualTo(due ? 1 : 0);
            String kidNow = keys(KeyState.CURRENT).get(0).kid();
            if (due) {
                rotations++;
                assertThat(kidNow).isNotEqualTo(currentKid);
                currentSince = clock.instant();
                currentKid = kidNow;
            } else {
                assertThat(kidNow).as("CURRENT at +%d min", step * 5).isEqualTo(currentKid);
            }
            for (IssuedToken token : signedByRetiredKeys) {
                if (clock.instant().isBefore(token.expiresAt())) {
                    nodes.forEach(node -> assertVerifiesAgainstJwks(node, token));
                }
            }
            clock.advance(STEP);
        }

        assertThat(rotations).isEqualTo(5);
        assertThat(systemRotations()).hasSize(5);
        assertThat(keys(KeyState.RETIRED)).hasSize(5)
                .allSatisfy(key -> assertThat(key.publishUntil()).isAfter(clock.instant()));
    }

    private void startNodes(int count, StoreConfig config) {
        Path kek = temp.resolve("tollgate.kek");
        for (int i = 0; i < count; i++) {
            nodes.add(new Tollgate(JdbcStore.open(config, new KeyEncryptionKeyFile(kek)), clock,
                    Tollgate.issuersFor(null),
                    // The key ring's staleness follows the test clock, as the real one follows time.
                    store -> new Directory(store, Duration.ofSeconds(2), KeyRotation.NODE_CACHE_STALENESS, 1_000,
                            Duration.ofSeconds(2), () -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant()))));
        }
        client = nodes.get(0).bootstrap(TENANT).orElseThrow().clients().get(0);
        nodes.get(0).adminOperations().tenants().updateSettings(Actor.cli(TENANT), TENANT,
                s -> s.withKeyRotationInterval(INTERVAL));
        nodes.forEach(Tollgate::listenForChanges);
    }

    /** Every node's tick, started together; what each one that read the keys did. */
    private List<ScheduledRotation> tickEveryNode() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ScheduledRotation>>> ticks = new ArrayList<>();
        for (Tollgate node : nodes) {
            Callable<List<ScheduledRotation>> tick = () -> {
                start.await();
                return node.keyRotation().tick();
            };
            ticks.add(ticking.submit(tick));
        }
        start.countDown();
        List<ScheduledRotation> outcomes = new ArrayList<>();
        for (Future<List<ScheduledRotation>> tick : ticks) {
            outcomes.addAll(tick.get());
        }
        return outcomes;
    }

    private List<SigningKey> keys(KeyState state) {
        return nodes.get(0).store().keys().list(TENANT).stream().filter(k -> k.state() == state).toList();
    }

    /** The key.rotate events of the tenant, each of which must name Tollgate itself as the actor. */
    private List<AuditEvent> systemRotations() {
        List<AuditEvent> rotations = nodes.get(0).store().audit().query(TENANT, AuditRepository.Filter.ALL, 0, 1_000)
                .stream().filter(e -> e.action().equals(AuditAction.KEY_ROTATE)).toList();
        assertThat(rotations).allSatisfy(e -> assertThat(e.actorKind()).isEqualTo(Actor.Kind.SYSTEM));
        return rotations;
    }

    private IssuedToken issue(Tollgate node) {
        TokenService.Outcome outcome = node.tokens().issue(new TokenService.Request(TENANT,
                new PresentedCredentials(client.client().clientId().value(), client.secret().reveal(),
                        ClientAuthMethod.CLIENT_SECRET_POST), null, List.of(), false));
        assertThat(outcome.isIssued()).isTrue();
        return outcome.token();
    }

    private void assertVerifiesAgainstJwks(Tollgate node, IssuedToken token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token.value());
            JWK key = node.directory().keyRing(TENANT).orElseThrow().publicJwks(clock.instant())
                    .getKeyByKeyId(jwt.getHeader().getKeyID());
            assertThat(key).as("%s in the JWKS at %s", jwt.getHeader().getKeyID(), clock.instant()).isNotNull();
            assertThat(jwt.verify(new ECDSAVerifier(key.toECKey()))).isTrue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
