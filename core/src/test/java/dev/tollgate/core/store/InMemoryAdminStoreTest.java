package dev.tollgate.core.store;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.AdminSession;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cases of the store module's {@code RepositoryContract} where the maps could most easily
 * drift from the databases (ordering, cascades, the audit filters), so the policy tests that run
 * on {@link InMemoryStore} see what a real store would do.
 */
class InMemoryAdminStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");
    private static final TenantId A = TenantId.of("tenant-a");
    private static final TenantId B = TenantId.of("tenant-b");

    private final InMemoryStore store = new InMemoryStore();

    @Test
    void adminUsernameWhenTakenInAnotherTenantThenAllowedUniquePerTenantOnly() {
        store.admins().insert(admin(A, "alice"));
        store.admins().insert(admin(B, "alice"));

        assertThatThrownBy(() -> store.admins().insert(admin(A, "alice"))).isInstanceOf(DuplicateException.class);
        assertThat(store.admins().list(A)).hasSize(1);
    }

    @Test
    void adminListWhenListedThenOrderedByUsernameAndAnotherTenantSeesNothing() {
        Admin bob = admin(A, "bob");
        Admin alice = admin(A, "alice");
        Admin upper = admin(A, "Zed");
        store.admins().insert(bob);
        store.admins().insert(alice);
        store.admins().insert(upper);

        assertThat(store.admins().list(A)).containsExactly(upper, alice, bob);
        assertThat(store.admins().find(B, alice.id())).isEmpty();
        assertThat(store.admins().findByUsername(B, "alice")).isEmpty();
        assertThat(store.admins().delete(B, alice.id())).isFalse();
    }

    @Test
    void adminUpdateWhenCalledThenCreationTimeKeptAndATakenUsernameRefused() {
        Admin alice = admin(A, "alice");
        store.admins().insert(alice);
        store.admins().insert(admin(A, "bob"));
        Admin changed = new Admin(alice.id(), A, "alice2", AdminRole.ADDITIONAL_ADMIN, null, "new", true, null,
                T0.plusSeconds(99), T0.plusSeconds(5));

        assertThat(store.admins().update(changed)).isTrue();
        assertThat(store.admins().find(A, alice.id()).orElseThrow().createdAt()).isEqualTo(T0);
        assertThatThrownBy(() -> store.admins().update(new Admin(alice.id(), A, "bob", AdminRole.ADMIN, null, "h",
                false, null, T0, T0))).isInstanceOf(DuplicateException.class);
    }

    @Test
    void adminDeleteWhenSessionsExistThenEndsThemLikeTheDatabasesCascade() {
        Admin alice = admin(A, "alice");
        Admin bob = admin(A, "bob");
        store.admins().insert(alice);
        store.admins().insert(bob);
        store.adminSessions().insert(session(alice, "a1", T0, T0));
        store.adminSessions().insert(session(bob, "b1", T0, T0));

        store.admins().delete(A, alice.id());

        assertThat(store.adminSessions().find("a1")).isEmpty();
        assertThat(store.adminSessions().find("b1")).isPresent();
    }

    @Test
    void adminSessionWhenUnknownAdminThenRefusedLikeTheForeignKeyDoes() {
        assertThatThrownBy(() -> store.adminSessions().insert(session(admin(A, "ghost"), "h", T0, T0)))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateException.class);
    }

    @Test
    void adminSessionWhenTouchedDeletedForAdminOrExpiredThenStoreFollows() {
        Admin alice = admin(A, "alice");
        store.admins().insert(alice);
        store.adminSessions().insert(session(alice, "idle", T0, T0));
        store.adminSessions().insert(session(alice, "old", T0.minusSeconds(1), T0.plusSeconds(100)));
        store.adminSessions().insert(session(alice, "at-limits", T0, T0.plusSeconds(10)));

        assertThat(store.adminSessions().touch("idle", T0.plusNanos(1))).isTrue();
        assertThat(store.adminSessions().touch("missing", T0)).isFalse();
        assertThat(store.adminSessions().deleteExpired(T0.plusSeconds(10), T0)).isEqualTo(2);
        assertThat(store.adminSessions().find("at-limits")).isPresent();
        assertThat(store.adminSessions().deleteForAdmin(B, alice.id())).isZero();
        assertThat(store.adminSessions().deleteForAdmin(A, alice.id())).isEqualTo(1);
    }

    @Test
    void auditQueryWhenPagedThenNewestFirstThenById() {
        store.audit().append(List.of(event(A, T0.plusSeconds(1), "a.last"), event(A, T0, "a.tie1")));
        store.audit().append(List.of(event(A, T0, "a.tie2"), event(B, T0, "b.other")));

        assertThat(actions(A, AuditRepository.Filter.ALL, 0, 10)).containsExactly("a.last", "a.tie2", "a.tie1");
        assertThat(actions(A, AuditRepository.Filter.ALL, 1, 1)).containsExactly("a.tie2");
        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).allSatisfy(e -> assertThat(e.id()).isPositive());
    }

    @Test
    void auditQueryWhenFilteredThenByActorClientActionAndTime() {
        store.audit().append(List.of(
                new AuditEvent(0, A, T0, Actor.Kind.ADMIN, "id-1", "alice", "client.update", "svc-1", null, null,
                        null, null, null),
                new AuditEvent(0, A, T0.plusSeconds(1), Actor.Kind.CLIENT, "svc-2", "Two", "token.issued", "svc-2",
                        null, null, null, null, null),
                event(A, T0.plusSeconds(2), "client")));

        assertThat(actions(A, filter("alice", null, null, null, null), 0, 10)).containsExactly("client.update");
        assertThat(actions(A, filter("id-1", null, null, null, null), 0, 10)).containsExactly("client.update");
        assertThat(actions(A, filter(null, "svc-2", null, null, null), 0, 10)).containsExactly("token.issued");
        assertThat(actions(A, filter(null, null, "client.", null, null), 0, 10)).containsExactly("client.update");
        assertThat(actions(A, filter(null, null, "client", null, null), 0, 10)).containsExactly("client");
        assertThat(actions(A, filter(null, null, null, T0, T0.plusSeconds(1)), 0, 10)).containsExactly("client.update");
    }

    @Test
    void tokenCountsWhenAddedTwiceThenSummedPerMinuteAndCountedWhereTheMinuteStarts() {
        Instant minute = Instant.parse("2026-03-01T10:15:00Z");
        TokenCountRepository.Count one = new TokenCountRepository.Count(A, "svc-1", minute,
                TokenCountRepository.Outcome.ISSUED, 2);
        store.tokenCounts().add(List.of(one, new TokenCountRepository.Count(A, "svc-1", minute.plusSeconds(120),
                TokenCountRepository.Outcome.ISSUED, 1)));
        store.tokenCounts().add(List.of(one, new TokenCountRepository.Count(A, "svc-1", minute,
                TokenCountRepository.Outcome.REFUSED, 7)));

        assertThat(store.tokenCounts().perBucket(A, "svc-1", TokenCountRepository.Outcome.ISSUED, minute,
                minute.plusSeconds(180), Duration.ofMinutes(1))).containsExactly(4, 0, 1);
        assertThatThrownBy(() -> store.tokenCounts().perBucket(A, "svc-1", TokenCountRepository.Outcome.ISSUED,
                minute, minute, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void auditDeleteBeforeWhenCalledThenOnlyOlderEventsRemoved() {
        store.audit().append(List.of(event(A, T0.minusNanos(1), "old"), event(A, T0, "kept")));

        assertThat(store.audit().deleteBefore(T0)).isEqualTo(1);
        assertThat(actions(A, AuditRepository.Filter.ALL, 0, 10)).containsExactly("kept");
    }

    private static Admin admin(TenantId tenant, String username) {
        return new Admin(UUID.randomUUID().toString(), tenant, username, AdminRole.ADMIN, null, "hash", false, null,
                T0, T0);
    }

    private static AdminSession session(Admin admin, String idHash, Instant createdAt, Instant lastSeenAt) {
        return new AdminSession(idHash, admin.tenantId(), admin.id(), "csrf", null, createdAt, lastSeenAt);
    }

    private static AuditEvent event(TenantId tenant, Instant at, String action) {
        return new AuditEvent(0, tenant, at, Actor.Kind.CLI, "cli", "cli", action, null, null, null, null, null, null);
    }

    private static AuditEvent issued(TenantId tenant, String client, Instant at) {
        return new AuditEvent(0, tenant, at, Actor.Kind.CLIENT, client, null, "token.issued", client, null, null, null,
                null, null);
    }

    private static AuditRepository.Filter filter(String actor, String client, String action, Instant from, Instant to) {
        return new AuditRepository.Filter(actor, client, action, from, to);
    }

    private List<String> actions(TenantId tenant, AuditRepository.Filter filter, int offset, int limit) {
        return store.audit().query(tenant, filter, offset, limit).stream().map(AuditEvent::action).toList();
    }
}
