package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 11: unknown ids are answered from memory for a while, and never outlive their creation in this process. */
class DirectoryUnknownIdsTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Duration UNKNOWN_FOR = Duration.ofSeconds(5);

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    /** Refreshes after 2 s, as the server's does: an unknown id must not be re-read at that pace. */
    private final Directory directory = new Directory(store, Duration.ofSeconds(2), Duration.ofSeconds(10), 1_000,
            UNKNOWN_FOR, ticker(clock));

    private static Ticker ticker(TestClock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    @Test
    void clientWhenUnknownThenTheStoreIsAskedOnceWithinUnknownForThenAgainAfterIt() {
        ClientId madeUp = new ClientId("made-up-id");
        int before = store.clientLookups.get();

        for (int i = 0; i < 4; i++) {
            assertThat(directory.client(TENANT, madeUp)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(store.clientLookups.get() - before).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(directory.client(TENANT, madeUp)).isEmpty();
        assertThat(store.clientLookups.get() - before).isEqualTo(2);
    }

    @Test
    void tenantWhenUnknownThenTheStoreIsAskedOnceWithinUnknownForThenAgainAfterIt() {
        TenantId madeUp = TenantId.of("99999");
        int before = store.tenantLookups.get();

        for (int i = 0; i < 4; i++) {
            assertThat(directory.tenant(madeUp)).isEmpty();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(store.tenantLookups.get() - before).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(directory.tenant(madeUp)).isEmpty();
        assertThat(store.tenantLookups.get() - before).isEqualTo(2);
    }

    @Test
    void clientWhenCreatedAfterItsAbsenceWasCachedThenFoundAsSoonAsThisProcessInvalidates() {
        ClientId id = new ClientId("created-later");
        assertThat(directory.client(TENANT, id)).isEmpty();

        store.clients().insert(aClient().tenant(TENANT).id(id.value()).build());

        // Created by another process: the absence holds until it expires.
        assertThat(directory.client(TENANT, id)).isEmpty();
        // Created through this process: the administration's change listener invalidates at once.
        directory.invalidateClient(TENANT, id);
        assertThat(directory.client(TENANT, id)).isPresent();
    }

    @Test
    void clientWhenCreatedElsewhereAfterItsAbsenceWasCachedThenFoundOnceUnknownForHasPassed() {
        ClientId id = new ClientId("created-elsewhere");
        assertThat(directory.client(TENANT, id)).isEmpty();
        store.clients().insert(aClient().tenant(TENANT).id(id.value()).build());

        clock.advance(UNKNOWN_FOR);

        assertThat(directory.client(TENANT, id)).isPresent();
    }

    @Test
    void tenantWhenCreatedThroughTheAdministrationAfterAMissThenItsFirstTokenIsIssued() {
        InMemoryInstallation node = new InMemoryInstallation();
        assertThat(node.issue(TENANT, "anyone", "x").refusal().reason()).isEqualTo(Reason.UNKNOWN_TENANT);

        var client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);

        assertThat(node.issue(TENANT, client.client().clientId().value(), client.secret().reveal()).isIssued())
                .isTrue();
    }

    @Test
    void clientWhenDeletedThroughTheAdministrationThenUnknownAndItsAbsenceRemembered() {
        InMemoryInstallation node = new InMemoryInstallation();
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        var client = node.clients.create(TENANT, ClientSpec.named("Billing", ScopeSet.EMPTY));
        String id = client.client().clientId().value();
        assertThat(node.directory.client(TENANT, client.client().clientId())).isPresent();

        node.clients.delete(TENANT, client.client().clientId());
        int before = node.store.clientLookups.get();

        for (int i = 0; i < 3; i++) {
            assertThat(node.issue(TENANT, id, client.secret().reveal()).refusal().reason())
                    .isEqualTo(Reason.UNKNOWN_CLIENT);
        }
        assertThat(node.store.clientLookups.get() - before).isEqualTo(1);
    }
}
