package dev.tollgate.server.admin;

import dev.tollgate.server.Administration;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AuditAction;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Bearer;
import dev.tollgate.server.admin.AdminApiFixture.Caller;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import dev.tollgate.server.admin.AdminApiFixture.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every admin API operation, called by every kind of caller: an admin, an additional admin holding
 * the capability the operation needs, one holding every capability but that, an admin of another
 * tenant, nobody, a client token carrying the admin scope, one carrying every other admin scope,
 * and a token of another tenant. Each answer has its exact status; a refused call leaves the
 * tenant's clients, scopes, admins and audit log exactly as they were (and the other tenant's too);
 * an allowed change writes exactly one audit event naming the caller. Every case acts on objects
 * of its own, made through the core API just before.
 */
class AdminApiAuthorizationMatrixTest {

    private static final TenantId TENANT = TestServer.TENANT;
    private static final TenantId OTHER = TenantId.of("20002");
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static AdminApiFixture f;
    private static Session admin;
    private static Session otherTenantAdmin;
    private static Bearer otherTenantToken;
    /** Additional admins' sessions and client tokens, by the capabilities (admin scopes) they hold. */
    private static final Map<Set<Capability>, Session> SESSIONS = new HashMap<>();
    private static final Map<Set<Capability>, Bearer> TOKENS = new HashMap<>();

    enum Who {
        ADMIN,
        ADDITIONAL_ADMIN_WITH_CAPABILITY,
        ADDITIONAL_ADMIN_WITHOUT_CAPABILITY,
        ADMIN_OF_ANOTHER_TENANT,
        NO_SESSION,
        CLIENT_TOKEN_WITH_ADMIN_SCOPE,
        CLIENT_TOKEN_WITHOUT_ADMIN_SCOPE,
        CLIENT_TOKEN_OF_ANOTHER_TENANT
    }

    /** {@code capability}: for the "with" callers, which of the operation's sufficient capabilities they hold. */
    record Principal(Who who, Capability capability) {
        @Override
        public String toString() {
            return who.name().toLowerCase().replace('_', ' ') + (capability == null ? "" : " (" + capability.wireName() + ")");
        }
    }

    /** What one case acts on: the path below {@code /t/10001/admin/api/v1}, the body, the object's id. */
    record Target(String path, String body, String id) {
    }

    /**
     * @param anyOf  the capabilities any one of which allows the operation
     * @param action the audit action an allowed call writes; null for reads
     * @param effect checks, after an allowed call, that it did what it says
     */
    record Operation(String name, String method, List<Capability> anyOf, int success, String action,
                     Supplier<Target> prepare, BiConsumer<Target, Response> effect) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        f = new AdminApiFixture(TestServer.embedded());
        Administration.of(f.server.app()).tenants.create(OTHER, "Other", TenantSettings.DEFAULTS);
        admin = f.seedAndLogin(TENANT, "matrix.admin", AdminRole.ADMIN, Set.of());
        otherTenantAdmin = f.seedAndLogin(OTHER, "other.admin", AdminRole.ADMIN, Set.of());
        otherTenantToken = f.bearer(OTHER, "other-ops", Arrays.stream(Capability.values())
                .map(c -> c.scope().value()).toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Operation op : operations()) {
            for (Who who : Who.values()) {
                if (who == Who.ADDITIONAL_ADMIN_WITH_CAPABILITY || who == Who.CLIENT_TOKEN_WITH_ADMIN_SCOPE) {
                    for (Capability capability : op.anyOf()) {
                        cases.add(Arguments.of(op, new Principal(who, capability)));
                    }
                } else {
                    cases.add(Arguments.of(op, new Principal(who, null)));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("cases")
    void operationWhenByCallerThenExactStatusAndNothingChangedIfRefused(Operation op, Principal principal) {
        Caller caller = caller(op, principal);
        Target target = op.prepare().get();
        Snapshot before = f.snapshot(TENANT);
        Snapshot otherBefore = f.snapshot(OTHER);

        Response response = f.call(op.method(), f.api(TENANT) + target.path(), caller, target.body());

        Snapshot after = f.snapshot(TENANT);
        assertThat(f.snapshot(OTHER)).as("the other tenant").isEqualTo(otherBefore);
        switch (principal.who()) {
            case ADMIN, ADDITIONAL_ADMIN_WITH_CAPABILITY, CLIENT_TOKEN_WITH_ADMIN_SCOPE -> {
                assertThat(response.status()).as(response.body()).isEqualTo(op.success());
                if (op.success() != 204) {
                    assertThat(response.headers().firstValue("Content-Type"))
                            .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
                }
                if (op.action() == null) {
                    assertThat(after).as("a read changes nothing").isEqualTo(before);
                } else {
                    List<AuditEvent> added = before.auditAddedBy(after);
                    assertThat(added).as("audit events of one change").hasSize(1);
                    AuditEvent event = added.get(0);
                    assertThat(event.action()).isEqualTo(op.action());
                    assertThat(event.actorId()).isEqualTo(caller.actorId());
                    assertThat(event.actorKind()).isEqualTo(caller instanceof Session ? Actor.Kind.ADMIN
                            : Actor.Kind.CLIENT);
                    assertThat(event.address()).isEqualTo("127.0.0.1");
                    if (target.id() != null) {
                        assertThat(event.target()).isEqualTo(target.id());
                    }
                }
                op.effect().accept(target, response);
            }
            case ADDITIONAL_ADMIN_WITHOUT_CAPABILITY, CLIENT_TOKEN_WITHOUT_ADMIN_SCOPE -> {
                response.assertError(403, "forbidden");
                assertThat(after).isEqualTo(before);
            }
            case ADMIN_OF_ANOTHER_TENANT -> {
                response.assertError(404, "not_found");
                assertThat(response.json()).containsOnlyKeys("error", "error_description");
                if (target.id() != null) {
                    assertThat(response.body()).doesNotContain(target.id());
                }
                assertThat(after).isEqualTo(before);
            }
            case NO_SESSION -> {
                response.assertError(401, null);
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"admin-api\"");
                assertThat(after).isEqualTo(before);
            }
            case CLIENT_TOKEN_OF_ANOTHER_TENANT -> {
                response.assertError(401, "invalid_token");
                assertThat(response.headers().firstValue("WWW-Authenticate"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer ").contains("invalid_token"));
                assertThat(after).isEqualTo(before);
            }
        }
    }

    @Test
    void clientTokenWhenItsClientIsDisabledDeletedOrLosesTheAdminScopeThenRefused() {
        Bearer disabled = f.bearer(TENANT, "soon disabled", Capability.VIEW_AUDIT.scope().value());
        Bearer deleted = f.bearer(TENANT, "soon deleted", Capability.VIEW_AUDIT.scope().value());
        Bearer narrowed = f.bearer(TENANT, "soon narrowed", Capability.VIEW_AUDIT.scope().value(), "users:read");
        String audit = f.api(TENANT) + "/audit?limit=1";
        for (Bearer token : List.of(disabled, deleted, narrowed)) {
            assertThat(f.call("GET", audit, token, null).status()).isEqualTo(200);
        }

        Administration.of(f.server.app()).clients.setEnabled(TENANT, new ClientId(disabled.clientId()), false);
        Administration.of(f.server.app()).clients.delete(TENANT, new ClientId(deleted.clientId()));
        Administration.of(f.server.app()).clients.setScopes(TENANT, new ClientId(narrowed.clientId()), ScopeSet.of("users:read"), null);

        f.call("GET", audit, disabled, null).assertError(401, "invalid_token");
        f.call("GET", audit, deleted, null).assertError(401, "invalid_token");
        f.call("GET", audit, narrowed, null).assertError(403, "forbidden");
        Administration.of(f.server.app()).clients.setEnabled(TENANT, new ClientId(disabled.clientId()), true);
        assertThat(f.call("GET", audit, disabled, null).status()).isEqualTo(200);
    }

    @Test
    void clientTokenWhenItsClientIsDisabledOrItsTokensRevokedThroughTheApiThenRefusedAndReEnablingRevivesNothing() {
        Bearer disabled = f.bearer(TENANT, "disabled through the API", Capability.VIEW_AUDIT.scope().value());
        Bearer revoked = f.bearer(TENANT, "revoked through the API", Capability.VIEW_AUDIT.scope().value());
        String audit = f.api(TENANT) + "/audit?limit=1";
        String clients = f.api(TENANT) + "/clients/";
        for (Bearer token : List.of(disabled, revoked)) {
            assertThat(f.call("GET", audit, token, null).status()).isEqualTo(200);
        }

        assertThat(f.call("PATCH", clients + disabled.clientId(), admin, "{\"enabled\":false}").status()).isEqualTo(200);
        Response cutoff = f.call("POST", clients + revoked.clientId() + "/revoke-tokens", admin, null);

        assertThat(cutoff.status()).isEqualTo(200);
        assertThat(cutoff.json()).containsEntry("client_id", revoked.clientId())
                .containsEntry("not_before", Instant.ofEpochSecond(f.server.clock().instant().getEpochSecond() + 1)
                        .toString());
        f.call("GET", audit, disabled, null).assertError(401, "invalid_token");
        f.call("GET", audit, revoked, null).assertError(401, "invalid_token");
        assertThat(f.call("PATCH", clients + disabled.clientId(), admin, "{\"enabled\":true}").status()).isEqualTo(200);
        f.call("GET", audit, disabled, null).assertError(401, "invalid_token");
    }

    /**
     * An additional admin (or program) holding only manage_client_credentials must not be able to
     * mint a client carrying admin scopes it does not hold itself: that client's token would hold
     * those capabilities, manage_admins among them, which creates full admins.
     */
    @Test
    void clientCredentialManagerWhenGrantingAdminScopesItDoesNotHoldThenRefused() {
        Session clientsOnly = session(EnumSet.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        Bearer program = token(EnumSet.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        String existing = freshClient().client().clientId().value();
        Snapshot before = f.snapshot(TENANT);

        for (Caller caller : List.of(clientsOnly, program)) {
            f.call("POST", f.api(TENANT) + "/clients", caller,
                    "{\"name\":\"escalation\",\"allowed_scopes\":[\"admin:manage_admins\"]}").assertError(403, "forbidden");
            f.call("PATCH", f.api(TENANT) + "/clients/" + existing, caller,
                    "{\"allowed_scopes\":[\"users:read\",\"admin:view_audit\"]}").assertError(403, "forbidden");
        }
        f.call("PATCH", f.api(TENANT) + "/clients/" + program.clientId(), program,
                "{\"allowed_scopes\":[\"admin:manage_client_credentials\",\"admin:manage_admins\"]}")
                .assertError(403, "forbidden");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    /** manage_admins hands on capabilities; it does not create them: no one grants more than they hold. */
    @Test
    void adminManagerWhenGrantingCapabilitiesItDoesNotHoldThenRefused() {
        Session adminsOnly = session(EnumSet.of(Capability.MANAGE_ADMINS));
        Bearer program = token(EnumSet.of(Capability.MANAGE_ADMINS));
        Snapshot before = f.snapshot(TENANT);

        for (Caller caller : List.of(adminsOnly, program)) {
            f.call("POST", f.api(TENANT) + "/admins", caller,
                    "{\"username\":\"escalated\",\"role\":\"admin\"}").assertError(403, "forbidden");
            f.call("POST", f.api(TENANT) + "/admins", caller,
                    "{\"username\":\"escalated\",\"role\":\"additional_admin\",\"capabilities\":[\"view_audit\"]}")
                    .assertError(403, "forbidden");
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    /** Rotating an admin-scoped client's secret would hand its capabilities to the caller. */
    @Test
    void credentialManagerWhenRotatingChangingOrDeletingAClientHoldingAdminScopesItLacksThenRefused() {
        Session clientsOnly = session(EnumSet.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        Bearer program = token(EnumSet.of(Capability.MANAGE_CLIENT_CREDENTIALS));
        String powerful = Administration.of(f.server.app()).clients.create(TENANT, dev.tollgate.core.admin.ClientSpec.named("automation",
                dev.tollgate.core.scope.ScopeSet.of("admin:manage_admins"))).client().clientId().value();
        Snapshot before = f.snapshot(TENANT);

        for (Caller caller : List.of(clientsOnly, program)) {
            f.call("POST", f.api(TENANT) + "/clients/" + powerful + "/rotate-secret", caller, "{}")
                    .assertError(403, "forbidden");
            f.call("PATCH", f.api(TENANT) + "/clients/" + powerful, caller, "{\"enabled\":false}")
                    .assertError(403, "forbidden");
            f.call("POST", f.api(TENANT) + "/clients/" + powerful + "/revoke-previous-secret", caller, null)
                    .assertError(403, "forbidden");
            f.call("DELETE", f.api(TENANT) + "/clients/" + powerful, caller, null).assertError(403, "forbidden");
        }
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    /** An admin manager cannot demote, delete or strip the second factor of an admin holding more. */
    @Test
    void adminManagerWhenActingOnAdminsWhoOutrankItThenRefused() {
        Session adminsOnly = session(EnumSet.of(Capability.MANAGE_ADMINS));
        String superior = f.seedAdmin(TENANT, "superior." + SEQ.incrementAndGet(), AdminRole.ADMIN, Set.of()).id();
        Snapshot before = f.snapshot(TENANT);

        f.call("PATCH", f.api(TENANT) + "/admins/" + superior, adminsOnly,
                "{\"role\":\"additional_admin\",\"capabilities\":[]}").assertError(403, "forbidden");
        f.call("DELETE", f.api(TENANT) + "/admins/" + superior, adminsOnly, null).assertError(403, "forbidden");
        assertThat(f.snapshot(TENANT)).isEqualTo(before);
    }

    // ---------------------------------------------------------------- callers

    private static Caller caller(Operation op, Principal principal) {
        Set<Capability> without = EnumSet.allOf(Capability.class);
        op.anyOf().forEach(without::remove);
        return switch (principal.who()) {
            case ADMIN -> admin;
            case ADDITIONAL_ADMIN_WITH_CAPABILITY -> session(EnumSet.of(principal.capability()));
            case ADDITIONAL_ADMIN_WITHOUT_CAPABILITY -> session(without);
            case ADMIN_OF_ANOTHER_TENANT -> otherTenantAdmin;
            case NO_SESSION -> AdminApiFixture.NOBODY;
            case CLIENT_TOKEN_WITH_ADMIN_SCOPE -> token(EnumSet.of(principal.capability()));
            case CLIENT_TOKEN_WITHOUT_ADMIN_SCOPE -> token(without);
            case CLIENT_TOKEN_OF_ANOTHER_TENANT -> otherTenantToken;
        };
    }

    /** An additional admin holding exactly {@code capabilities}, logged in once. */
    private static Session session(Set<Capability> capabilities) {
        return SESSIONS.computeIfAbsent(Set.copyOf(capabilities), c -> f.seedAndLogin(TENANT,
                "additional." + SEQ.incrementAndGet(), AdminRole.ADDITIONAL_ADMIN, c));
    }

    /** A client whose scopes are exactly the admin scopes of {@code capabilities}, plus users:read. */
    private static Bearer token(Set<Capability> capabilities) {
        return TOKENS.computeIfAbsent(Set.copyOf(capabilities), c -> {
            List<String> scopes = new ArrayList<>(c.stream().map(x -> x.scope().value()).sorted().toList());
            scopes.add("users:read");
            return f.bearer(TENANT, "program " + names(c), scopes.toArray(String[]::new));
        });
    }

    private static String names(Set<Capability> capabilities) {
        return capabilities.stream().map(Capability::wireName).sorted().collect(Collectors.joining(" "));
    }

    // ---------------------------------------------------------------- operations and their fresh objects

    private static final List<Capability> CLIENTS = List.of(Capability.MANAGE_CLIENT_CREDENTIALS);
    private static final List<Capability> SCOPES = List.of(Capability.MANAGE_SCOPES);
    private static final List<Capability> SCOPES_READ = List.of(Capability.MANAGE_SCOPES,
            Capability.MANAGE_CLIENT_CREDENTIALS);
    private static final List<Capability> ADMINS = List.of(Capability.MANAGE_ADMINS);
    private static final List<Capability> AUDIT = List.of(Capability.VIEW_AUDIT);
    private static final List<Capability> ISSUANCE = List.of(Capability.MANAGE_CLIENT_CREDENTIALS,
            Capability.VIEW_AUDIT);

    static List<Operation> operations() {
        return List.of(
                new Operation("list clients", "GET", CLIENTS, 200, null,
                        () -> new Target("/clients?limit=100", null, null),
                        (t, r) -> assertThat(r.json()).containsKeys("clients", "total", "offset", "limit")),
                new Operation("get client", "GET", CLIENTS, 200, null, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id, null, id);
                }, (t, r) -> assertThat(r.json()).containsEntry("client_id", t.id()).doesNotContainKey("client_secret")),
                new Operation("create client", "POST", CLIENTS, 201, AuditAction.CLIENT_CREATE,
                        () -> new Target("/clients", "{\"name\":\"created " + SEQ.incrementAndGet()
                                + "\",\"allowed_scopes\":[\"users:read\"]}", null),
                        (t, r) -> {
                            assertThat((String) r.json().get("client_secret")).isNotBlank();
                            assertThat(f.store().clients().find(TENANT, new ClientId((String) r.json().get("client_id"))))
                                    .isPresent();
                        }),
                new Operation("update client", "PATCH", CLIENTS, 200, AuditAction.CLIENT_UPDATE, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id, "{\"name\":\"renamed\",\"allowed_scopes\":[\"users:write\"]}", id);
                }, (t, r) -> assertThat(f.store().clients().find(TENANT, new ClientId(t.id())).orElseThrow().name())
                        .isEqualTo("renamed")),
                new Operation("delete client", "DELETE", CLIENTS, 204, AuditAction.CLIENT_DELETE, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id, null, id);
                }, (t, r) -> assertThat(f.store().clients().find(TENANT, new ClientId(t.id()))).isEmpty()),
                new Operation("rotate client secret", "POST", CLIENTS, 200, AuditAction.CLIENT_ROTATE_SECRET, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id + "/rotate-secret", null, id);
                }, (t, r) -> {
                    assertThat((String) r.json().get("client_secret")).isNotBlank();
                    assertThat(f.store().clients().find(TENANT, new ClientId(t.id())).orElseThrow().secrets()).hasSize(2);
                }),
                new Operation("revoke previous client secret", "POST", CLIENTS, 200,
                        AuditAction.CLIENT_REVOKE_PREVIOUS_SECRET, () -> {
                    ClientId id = freshClient().client().clientId();
                    Administration.of(f.server.app()).clients.rotateSecret(TENANT, id, Duration.ofHours(1));
                    return new Target("/clients/" + id.value() + "/revoke-previous-secret", null, id.value());
                }, (t, r) -> assertThat(f.store().clients().find(TENANT, new ClientId(t.id())).orElseThrow().secrets())
                        .hasSize(1)),
                new Operation("revoke client tokens", "POST", CLIENTS, 200, AuditAction.CLIENT_REVOKE_TOKENS, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id + "/revoke-tokens", null, id);
                }, (t, r) -> {
                    assertThat(r.json()).containsEntry("client_id", t.id()).containsKey("not_before");
                    assertThat(f.store().revocations().listCutoffs(Instant.EPOCH))
                            .filteredOn(c -> c.client().value().equals(t.id()))
                            .extracting(c -> c.notBefore().toString()).containsExactly((String) r.json().get("not_before"));
                }),
                new Operation("read client issuance", "GET", ISSUANCE, 200, null, () -> {
                    String id = freshClient().client().clientId().value();
                    return new Target("/clients/" + id + "/issuance", null, id);
                }, (t, r) -> assertThat((List<?>) r.json().get("issued")).hasSize(24)),

                new Operation("list scopes", "GET", SCOPES_READ, 200, null, () -> new Target("/scopes", null, null),
                        (t, r) -> assertThat(r.body()).contains("users:read")),
                new Operation("get scope", "GET", SCOPES_READ, 200, null, () -> {
                    String name = freshScope();
                    return new Target("/scopes/" + name, null, name);
                }, (t, r) -> assertThat(r.json()).containsEntry("name", t.id())),
                new Operation("create scope", "POST", SCOPES, 201, AuditAction.SCOPE_CREATE, () -> {
                    String name = "created.scope." + SEQ.incrementAndGet();
                    return new Target("/scopes", "{\"name\":\"" + name + "\",\"description\":\"made\"}", name);
                }, (t, r) -> assertThat(f.store().scopes().find(TENANT, new ScopeName(t.id()))).isPresent()),
                new Operation("update scope", "PATCH", SCOPES, 200, AuditAction.SCOPE_UPDATE, () -> {
                    String name = freshScope();
                    return new Target("/scopes/" + name, "{\"description\":\"changed\"}", name);
                }, (t, r) -> assertThat(f.store().scopes().find(TENANT, new ScopeName(t.id())).orElseThrow().description())
                        .isEqualTo("changed")),
                new Operation("delete scope", "DELETE", SCOPES, 204, AuditAction.SCOPE_DELETE, () -> {
                    String name = freshScope();
                    return new Target("/scopes/" + name, null, name);
                }, (t, r) -> assertThat(f.store().scopes().find(TENANT, new ScopeName(t.id()))).isEmpty()),

                new Operation("list admins", "GET", ADMINS, 200, null, () -> new Target("/admins", null, null),
                        (t, r) -> assertThat(r.body()).contains("matrix.admin").doesNotContain("other.admin")),
                new Operation("get admin", "GET", ADMINS, 200, null, () -> {
                    String id = freshAdmin().id();
                    return new Target("/admins/" + id, null, id);
                }, (t, r) -> assertThat(r.json()).containsEntry("id", t.id())
                        .doesNotContainKeys("password", "password_hash")),
                new Operation("create admin", "POST", ADMINS, 201, AuditAction.ADMIN_CREATE,
                        () -> new Target("/admins", "{\"username\":\"created." + SEQ.incrementAndGet()
                                + "\",\"role\":\"additional_admin\",\"capabilities\":[\"manage_admins\"]}", null),
                        (t, r) -> {
                            assertThat((String) r.json().get("password")).isNotBlank();
                            assertThat(f.store().admins().find(TENANT, (String) r.json().get("id"))).isPresent();
                        }),
                new Operation("update admin", "PATCH", ADMINS, 200, AuditAction.ADMIN_UPDATE, () -> {
                    String id = freshAdmin().id();
                    return new Target("/admins/" + id, "{\"capabilities\":[\"manage_admins\"]}", id);
                }, (t, r) -> assertThat(f.store().admins().find(TENANT, t.id()).orElseThrow().capabilities())
                        .containsExactly(Capability.MANAGE_ADMINS)),
                new Operation("delete admin", "DELETE", ADMINS, 204, AuditAction.ADMIN_DELETE, () -> {
                    String id = freshAdmin().id();
                    return new Target("/admins/" + id, null, id);
                }, (t, r) -> assertThat(f.store().admins().find(TENANT, t.id())).isEmpty()),

                new Operation("read audit log", "GET", AUDIT, 200, null, () -> new Target("/audit?limit=100", null, null),
                        (t, r) -> assertThat(r.json()).containsKey("events")));
    }

    private static ClientWithSecret freshClient() {
        return f.createClient(TENANT, "target " + SEQ.incrementAndGet(), "users:read");
    }

    private static String freshScope() {
        String name = "target.scope." + SEQ.incrementAndGet();
        f.createScope(TENANT, name, "a scope to act on");
        return name;
    }

    private static Admin freshAdmin() {
        // Holds only manage_admins, which every caller allowed to change admins holds too: acting on
        // an admin who holds more than oneself is refused (adminManagerWhenActingOnAdminsWhoOutrankItThenRefused).
        return f.seedAdmin(TENANT, "target." + SEQ.incrementAndGet(), AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_ADMINS));
    }
}
