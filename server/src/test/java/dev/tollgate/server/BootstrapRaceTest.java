package dev.tollgate.server;

import dev.tollgate.testing.TestClock;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.store.JdbcStore;
import dev.tollgate.store.TestKek;
import dev.tollgate.store.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes starting at once on one empty PostgreSQL database: both see no tenant (or no admin)
 * and both provision. Exactly one may win; the other must carry on as on any later start rather
 * than exit with the store's error code.
 */
class BootstrapRaceTest {

    private PostgresTestDatabase database;
    private final List<Tollgate> nodes = new ArrayList<>();

    @BeforeEach
    void twoNodesOnOneFreshDatabase() {
        database = PostgresTestDatabase.create();
        // Opened one after the other: the migrations are Flyway's to serialise, not this test's subject.
        for (int i = 0; i < 2; i++) {
            nodes.add(new Tollgate(JdbcStore.open(database.storeConfig(), TestKek.SHARED), TestClock.startingNow(),
                    Tollgate.issuersFor(null), Directory::withDefaults));
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(Tollgate::close);
        database.close();
    }

    @Test
    void bootstrapWhenOnTwoNodesAtOnceThenOneProvisionsTheTenantAndTheOtherGetsEmpty() throws Exception {
        List<Optional<?>> results = race(node -> node.bootstrap(TENANT));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        assertThat(results).filteredOn(Optional::isEmpty).hasSize(1);
        assertThat(nodes.getFirst().store().tenants().list()).hasSize(1);
    }

    @Test
    void adminBootstrapWhenOnTwoNodesAtOnceThenOneCreatesTheAdminAndTheOtherGetsEmpty() throws Exception {
        nodes.getFirst().bootstrap(TENANT).orElseThrow();

        List<Optional<?>> results = race(node -> node.adminAccounts().bootstrap(TENANT));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        assertThat(results).filteredOn(Optional::isEmpty).hasSize(1);
        assertThat(nodes.getFirst().store().admins().list(TENANT)).hasSize(1);
    }

    /** Runs {@code work} on both nodes at once; rethrows the first failure, so a throw fails the test. */
    private List<Optional<?>> race(Function<Tollgate, Optional<?>> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(nodes.size());
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Optional<?>>> futures = new ArrayList<>();
            for (Tollgate node : nodes) {
                Callable<Optional<?>> task = () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return work.apply(node);
                };
                futures.add(pool.submit(task));
            }
            List<Optional<?>> results = new ArrayList<>();
            for (Future<Optional<?>> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
