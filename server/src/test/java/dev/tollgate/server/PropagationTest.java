package dev.tollgate.server;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.server.cli.Cli;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "propagation between nodes": three nodes on one PostgreSQL database, each polling far
 * more slowly than the bound (its directory reloads after 30 s, its revocations only when told), so
 * only a pushed change (LISTEN/NOTIFY) can be seen within it.
 */
class PropagationTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final int TRIALS = 50;
    private static final Duration BOUND = Duration.ofSeconds(1);
    /** How long a trial waits before it counts the change as not seen at all. */
    private static final Duration GIVE_UP = Duration.ofSeconds(10);

    private final TestClock clock = TestClock.startingNow();
    @TempDir
    Path temp;

    private final List<Tollgate> nodes = new ArrayList<>();
    private PostgresTestDatabase database;
    private ClientWithSecret client;

    @BeforeEach
    void startThreeNodes() {
        database = PostgresTestDatabase.create();
        for (int i = 0; i < 3; i++) {
            nodes.add(new Tollgate(JdbcStore.open(database.storeConfig(), new KeyEncryptionKeyFile(kekFile())), clock, Tollgate.issuersFor(null),
                    store -> new Directory(store, Duration.ofSeconds(30), Duration.ofSeconds(60), 1_000)));
        }
        client = nodes.get(0).bootstrap(TENANT).orElseThrow().clients().get(0);
        nodes.forEach(Tollgate::listenForChanges);
        nodes.forEach(node -> assertThat(issue(node).isIssued()).isTrue());
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(Tollgate::close);
        database.close();
    }

    @Test
    void disableWhenMadeOnOneNodeThenTheOthersRefuseWithinOneSecond() {
        List<Long> latencies = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Tollgate changing = nodes.get(trial % 3);
            setEnabled(changing, false);
            latencies.add(untilEveryOtherNode(changing, node -> refused(node, Reason.CLIENT_DISABLED)));
            setEnabled(changing, true);
            untilEveryOtherNode(changing, node -> issue(node).isIssued());
        }

        assertThat(p99(latencies)).isLessThan(BOUND.toNanos());
    }

    @Test
    void revocationWhenMadeOnOneNodeThenTheOthersHonourItWithinOneSecond() {
        List<Long> latencies = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Tollgate changing = nodes.get(trial % 3);
            IssuedToken token = issue(changing).token();
            changing.revocations().revokeToken(TENANT, clientId(), token.jti(), token.expiresAt());
            latencies.add(untilEveryOtherNode(changing, node -> node.revocations()
                    .isRevoked(TENANT, clientId(), token.jti(), clock.instant())));
        }

        assertThat(p99(latencies)).isLessThan(BOUND.toNanos());
    }

    @Test
    void disableWhenMadeThroughTheCliThenEveryNodeRefusesWithinOneSecond() {
        List<Long> latencies = new ArrayList<>();
        for (int trial = 0; trial < 10; trial++) {
            assertThat(cli("disable").exitCode()).isZero();
            latencies.add(untilEveryOtherNode(null, node -> refused(node, Reason.CLIENT_DISABLED)));
            assertThat(cli("enable").exitCode()).isZero();
            untilEveryOtherNode(null, node -> issue(node).isIssued());
        }

        assertThat(p99(latencies)).isLessThan(BOUND.toNanos());
    }

    /** The nodes' key-encryption key, which the CLI needs too to open the store. */
    private Path kekFile() {
        return temp.resolve("tollgate.kek");
    }

    private Cli.Run cli(String command) {
        Path config = temp.resolve("cli.properties");
        try {
            Files.writeString(config, "kek.file=" + kekFile() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("client", command, "--tenant", TENANT.value(),
                "--client-id", clientId().value(), "--jdbc-url", database.jdbcUrl(), "--config", config.toString()));
        if (database.user() != null) {
            args.addAll(List.of("--jdbc-user", database.user()));
        }
        if (database.password() != null) {
            args.addAll(List.of("--jdbc-password", database.password()));
        }
        return Cli.run(args.toArray(String[]::new));
    }

    private void setEnabled(Tollgate node, boolean enabled) {
        node.adminOperations().clients().update(Actor.cli(TENANT), TENANT, clientId(),
                new ClientUpdate(null, null, null, null, null, null, enabled));
    }

    /** Nanoseconds until {@code seen} holds on every node but {@code changing}; fails after {@link #GIVE_UP}. */
    private long untilEveryOtherNode(Tollgate changing, Predicate<Tollgate> seen) {
        long start = System.nanoTime();
        for (Tollgate node : nodes) {
            if (node != changing) {
                await(() -> seen.test(node));
            }
        }
        return System.nanoTime() - start;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("change not seen within %s", GIVE_UP).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    private static long p99(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    private boolean refused(Tollgate node, Reason reason) {
        TokenService.Outcome outcome = issue(node);
        return !outcome.isIssued() && outcome.refusal().reason() == reason;
    }

    private TokenService.Outcome issue(Tollgate node) {
        return node.tokens().issue(new TokenService.Request(TENANT, new PresentedCredentials(clientId().value(),
                client.secret().reveal(), ClientAuthMethod.CLIENT_SECRET_POST), null, List.of(), false));
    }

    private ClientId clientId() {
        return client.client().clientId();
    }
}
