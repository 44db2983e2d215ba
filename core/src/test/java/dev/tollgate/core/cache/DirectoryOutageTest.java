package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A loaded tenant, client and key ring outlive a store outage for the grace, and no longer. */
class DirectoryOutageTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final InMemoryInstallation node = new InMemoryInstallation();
    private final InMemoryStore store = node.store;
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final Ticker ticker = () -> {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
    // Reads on the caller's thread: a refresh has ended when the lookup that started it returns.
    private final Directory directory = new Directory(store,
            new Directory.Staleness(Duration.ofSeconds(2), Duration.ofSeconds(10), GRACE, Duration.ofSeconds(2)),
            1_000, new StoreReads(2, Duration.ofSeconds(1), Runnable::run, ticker), ticker);
    private final ClientId client = loadedClient();

    private ClientId loadedClient() {
        ClientWithSecret created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        ClientId id = created.client().clientId();
        assertThat(directory.client(TENANT, id)).isPresent();
        assertThat(directory.tenant(TENANT)).isPresent();
        assertThat(directory.keyRing(TENANT)).isPresent();
        return id;
    }

    @Test
    void lookUpWhenStoreUnreachablePastMaxStalenessThenServedFromMemoryWithinTheGrace() {
        store.unreachable = true;

        for (int second = 1; second < GRACE.toSeconds(); second++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(directory.tenant(TENANT)).as("tenant at %d s", second).isPresent();
            assertThat(directory.client(TENANT, client)).as("client at %d s", second).isPresent();
            assertThat(directory.keyRing(TENANT)).as("key ring at %d s", second).isPresent();
        }
        assertThat(directory.storeDown()).isTrue();
    }

    @Test
    void lookUpWhenIdleEntryPastMaxStalenessAndTheReadFailsThenServedAsItWas() {
        clock.advance(Duration.ofSeconds(30));
        store.unreachable = true;

        assertThat(directory.client(TENANT, client)).isPresent();
        assertThat(directory.storeDown()).isTrue();
    }

    @Test
    void lookUpWhenStoreUnreachablePastTheGraceThenStoreException() {
        store.unreachable = true;
        clock.advance(GRACE.plusSeconds(1));

        assertThatThrownBy(() -> directory.client(TENANT, client)).isInstanceOf(StoreException.class);
    }

    @Test
    void lookUpWhenUnknownClientDuringAnOutageThenStoreExceptionAndNoAbsenceRemembered() {
        store.unreachable = true;
        ClientId unknown = new ClientId("not-loaded");

        assertThatThrownBy(() -> directory.client(TENANT, unknown)).isInstanceOf(StoreException.class);

        store.unreachable = false;
        int before = store.clientLookups.get();
        assertThat(directory.client(TENANT, unknown)).isEmpty();
        assertThat(store.clientLookups.get() - before).as("asked again: the failure was not cached as absent")
                .isEqualTo(1);
    }

    @Test
    void lookUpWhenStoreBackAfterAnOutageThenAChangeMadeMeanwhileIsSeenAtTheNextRefresh() {
        store.unreachable = true;
        clock.advance(Duration.ofSeconds(20));
        assertThat(directory.client(TENANT, client)).isPresent();

        store.unreachable = false;
        store.clients().delete(TENANT, client);
        clock.advance(Duration.ofSeconds(3));
        directory.client(TENANT, client);

        assertThat(directory.client(TENANT, client)).isEmpty();
        assertThat(directory.storeDown()).isFalse();
    }

    @Test
    void lookUpWhenIdlePastMaxStalenessAndStoreUpThenReadAgainBeforeServed() {
        store.clients().delete(TENANT, client);
        clock.advance(Duration.ofSeconds(11));

        assertThat(directory.client(TENANT, client)).isEmpty();
    }
}
