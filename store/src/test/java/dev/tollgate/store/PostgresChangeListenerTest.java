package dev.tollgate.store;

import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 13: what a node hears of the changes committed to a PostgreSQL store (migration V10). */
class PostgresChangeListenerTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30Z");

    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final ChangeListener recorder = new ChangeListener() {
        @Override
        public void tenantChanged(TenantId tenant) {
            heard.add("tenant " + tenant.value());
        }

        @Override
        public void clientChanged(TenantId tenant, ClientId client) {
            heard.add("client " + tenant.value() + " " + client.value());
        }

        @Override
        public void keysChanged(TenantId tenant) {
            heard.add("keys " + tenant.value());
        }

        @Override
        public void revocationsChanged() {
            heard.add("revocation");
        }

        @Override
        public void everythingChanged() {
            heard.add("everything");
        }
    };
    private PostgresTestDatabase database;
    private JdbcStore store;
    private Runnable stopListening;

    @BeforeEach
    void listen() throws InterruptedException {
        database = PostgresTestDatabase.create();
        store = JdbcStore.open(database.storeConfig(), TestKek.SHARED);
        stopListening = store.listenForChanges(recorder);
        // Returned once LISTEN took effect, having dropped whatever was cached before.
        assertThat(heard.poll(0, TimeUnit.SECONDS)).isEqualTo("everything");
    }

    @AfterEach
    void stop() {
        stopListening.run();
        store.close();
        database.close();
    }

    @Test
    void changeWhenCommittedByAnotherStoreThenHeardWithItsTenant() throws InterruptedException {
        try (JdbcStore otherNode = JdbcStore.open(database.storeConfig(), TestKek.SHARED)) {
            otherNode.tenants().insert(new Tenant(TenantId.of("10001"), "Acme", TenantSettings.DEFAULTS, T0));
        }

        assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("tenant 10001");
    }

    @Test
    void changeWhenRolledBackThenNeverHeard() throws InterruptedException {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            store.tenants().insert(new Tenant(TenantId.of("10001"), "Acme", TenantSettings.DEFAULTS, T0));
            throw new IllegalStateException("abandoned");
        })).hasMessage("abandoned");
        store.tenants().insert(new Tenant(TenantId.of("10002"), "Later", TenantSettings.DEFAULTS, T0));

        // Notifications arrive in commit order: had the first one been sent, it would come first.
        assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("tenant 10002");
    }

    @Test
    void notificationWhenPayloadIsMalformedThenIgnored() {
        PostgresChangeListener listener = new PostgresChangeListener(() -> {
            throw new java.sql.SQLException("not used");
        }, recorder);

        for (String payload : new String[] {"", "client 10001", "bogus 10001 x", "client 10001 ", "keys  x",
                "client 10001 a b", "tenant " + "9".repeat(500) + " "}) {
            assertThat(listener.dispatch(payload)).as(payload).isFalse();
        }

        assertThat(heard).isEmpty();
    }

    @Test
    void listenWhenEmbeddedThenNothingIsPushedAndNothingHeard() throws Exception {
        Path directory = java.nio.file.Files.createTempDirectory("tollgate-listen");
        try (JdbcStore embedded = JdbcStore.open(StoreConfig.embedded(directory), TestKek.SHARED)) {
            embedded.listenForChanges(recorder).run();
            embedded.tenants().insert(new Tenant(TenantId.of("10001"), "Acme", TenantSettings.DEFAULTS, T0));
        }

        assertThat(heard).isEmpty();
    }
}
