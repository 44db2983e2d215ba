package dev.tollgate.core.admin;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.testing.TestClock;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AdminRepository;
import dev.tollgate.core.store.AdminSessionRepository;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.RevocationRepository;
import dev.tollgate.core.store.ScopeRepository;
import dev.tollgate.core.store.SigningKeyRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.user.User;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminOperationsTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final TenantId OTHER = TenantId.of("10002");
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    /**
     * The in-memory store, counting how deep in {@link Store#inTransaction} each thread is, so a
     * test can tell what happened inside the change's transaction and what after its commit.
     */
    private static final class TrackingStore implements Store {
        final InMemoryStore delegate = new InMemoryStore();
        final ThreadLocal<Integer> depth = ThreadLocal.withInitial(() -> 0);
        final List<Integer> auditDepths = new ArrayList<>();
        private final AuditRepository audit = new AuditRepository() {
            @Override
            public void append(List<AuditEvent> events) {
                auditDepths.add(depth.get());
                delegate.audit().append(events);
            }

            @Override
            public List<AuditEvent> query(TenantId tenant, Filter filter, int offset, int limit) {
                return delegate.audit().query(tenant, filter, offset, limit);
            }

            @Override
            public long count(TenantId tenant, Filter filter) {
                return delegate.audit().count(tenant, filter);
            }

            @Override
            public int deleteBefore(Instant before) {
                return delegate.audit().deleteBefore(before);
            }
        };

        @Override
        public TenantRepository tenants() {
            return delegate.tenants();
        }

        @Override
        public ScopeRepository scopes() {
            return delegate.scopes();
        }

        @Override
        public ClientRepository clients() {
            return delegate.clients();
        }

        @Override
        public SigningKeyRepository keys() {
            return delegate.keys();
        }

        @Override
        public InstallationRepository installation() {
            return delegate.installation();
        }

        @Override
        public UserRepository users() {
            return delegate.users();
        }

        @Override
        public RevocationRepository revocations() {
            return delegate.revocations();
        }

        @Override
        public AdminRepository admins() {
            return delegate.admins();
        }

        @Override
        public AdminSessionRepository adminSessions() {
            return delegate.adminSessions();
        }

        @Override
        public TokenCountRepository tokenCounts() {
            return delegate.tokenCounts();
        }

        @Override
        public dev.tollgate.core.store.ReplayRepository replays() {
            return delegate.replays();
        }

        @Override
        public dev.tollgate.core.store.FederationRepository federation() {
            return delegate.federation();
        }

        @Override
        public AuditRepository audit() {
            return audit;
        }

        @Override
        public <T> T inTransaction(Supplier<T> work) {
            depth.set(depth.get() + 1);
            try {
                return work.get();
            } finally {
                depth.set(depth.get() - 1);
            }
        }

        @Override
        public String describe() {
            return "tracking " + delegate.describe();
        }

        @Override
        public void close() {
        }
    }

    private record Notice(ClientId client, int depth) {
    }

    private final TestClock clock = new TestClock(START);
    private final TrackingStore store = new TrackingStore();
    private final List<Notice> notices = new ArrayList<>();
    private final ChangeListener listener = new ChangeListener() {
        @Override
        public void clientChanged(TenantId tenant, ClientId client) {
            notices.add(new Notice(client, store.depth.get()));
        }
    };
    private final SecretHasher secretHasher = new SecretHasher(new byte[32]);
    private final TestAdministration.Tenants tenants =
            new TestAdministration(store, secretHasher, listener, clock).tenants;
    private final PasswordHasher passwords = new PasswordHasher(1000);
    private final Revocations revocations = new Revocations(store, clock);
    private final AdminOperations ops = new AdminOperations(store, secretHasher, passwords, revocations, listener,
            clock);

    private final Actor cli = Actor.cli(TENANT);
    private final Actor outsider = Actor.cli(OTHER);
    private Admin root;
    private Actor rootActor;

    @BeforeEach
    void provision() {
        tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        tenants.create(OTHER, "Other", TenantSettings.DEFAULTS);
        root = new Admin(UUID.randomUUID().toString(), TENANT, "root", AdminRole.ADMIN, null,
                passwords.hash("correct horse battery".toCharArray()), false, null, START, START);
        store.admins().insert(root);
        rootActor = Actor.admin(root, "192.0.2.1");
        store.auditDepths.clear();
        notices.clear();
    }

    private static Actor holding(Capability... capabilities) {
        return new Actor(TENANT, Actor.Kind.CLIENT, "automation", "Automation",
                capabilities.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(capabilities)), "198.51.100.7");
    }

    private static Actor allExcept(Capability... missing) {
        EnumSet<Capability> held = EnumSet.allOf(Capability.class);
        held.removeAll(Arrays.asList(missing));
        return new Actor(TENANT, Actor.Kind.CLIENT, "automation", "Automation", held, null);
    }

    private List<AuditEvent> auditLog() {
        return store.audit().query(TENANT, AuditRepository.Filter.ALL, 0, 1000);
    }

    private AuditEvent lastEvent() {
        return auditLog().get(0);
    }

    private static Map<String, Object> json(String text) {
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    private ClientWithSecret createClient(String name) {
        return ops.clients().create(cli, TENANT, ClientSpec.named(name, ScopeSet.of("users:read")));
    }

    // Tenant and capability checks, in that order

    @Test
    void everyOperationWhenActorOfAnotherTenantThenNotFoundEvenWithEveryCapability() {
        ClientId id = createClient("Billing").client().clientId();
        List<Runnable> calls = List.of(
                () -> ops.clients().list(outsider, TENANT, null, 0, 10),
                () -> ops.clients().get(outsider, TENANT, id),
                () -> ops.clients().create(outsider, TENANT, ClientSpec.named("X", ScopeSet.EMPTY)),
                () -> ops.clients().update(outsider, TENANT, id, new ClientUpdate("X", null, null, null, null, null, null)),
                () -> ops.clients().rotateSecret(outsider, TENANT, id, Duration.ZERO),
                () -> ops.clients().revokePreviousSecret(outsider, TENANT, id),
                () -> ops.clients().revokeTokens(outsider, TENANT, id),
                () -> ops.clients().delete(outsider, TENANT, id),
                () -> ops.clients().tokenIssuance(outsider, TENANT, id, Duration.ofHours(1), 24),
                () -> ops.scopes().list(outsider, TENANT),
                () -> ops.scopes().create(outsider, TENANT, new ScopeDefinition(new ScopeName("x"), "")),
                () -> ops.scopes().describe(outsider, TENANT, new ScopeName("users:read"), "x"),
                () -> ops.scopes().delete(outsider, TENANT, new ScopeName("users:read")),
                () -> ops.administrators().list(outsider, TENANT),
                () -> ops.administrators().get(outsider, TENANT, root.id()),
                () -> ops.administrators().create(outsider, TENANT, "eve", AdminRole.ADMIN, null),
                () -> ops.administrators().update(outsider, TENANT, root.id(), AdminRole.ADMIN, null),
                () -> ops.administrators().delete(outsider, TENANT, root.id()),
                () -> ops.administrators().resetTotp(outsider, TENANT, root.id()),
                () -> ops.administrators().resetPassword(outsider, TENANT, root.id()),
                () -> ops.users().list(outsider, TENANT, null, 0, 10),
                () -> ops.users().create(outsider, TENANT, "eve", "eve@example.com", null, null),
                () -> ops.users().delete(outsider, TENANT, UUID.randomUUID().toString()),
                () -> ops.audit().query(outsider, TENANT, null, 0, 10),
                () -> ops.audit().names(outsider, TENANT, List.of(root.id())));

        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(AdminFailure.NotFound.class).hasMessage("no tenant 10001");
        }
        assertThat(store.delegate.audit().query(TENANT, AuditRepository.Filter.ALL, 0, 100)).hasSize(1);
    }

    @Test
    void everyOperationWhenCapabilityMissingThenForbidden() {
        ClientId id = createClient("Billing").client().clientId();
        Actor noClients = allExcept(Capability.MANAGE_CLIENT_CREDENTIALS);
        Actor noScopes = allExcept(Capability.MANAGE_SCOPES);
        Actor noAdmins = allExcept(Capability.MANAGE_ADMINS);
        Actor noUsers = allExcept(Capability.MANAGE_USERS);
        Actor noAudit = allExcept(Capability.VIEW_AUDIT);
        List<Runnable> calls = List.of(
                () -> ops.clients().list(noClients, TENANT, null, 0, 10),
                () -> ops.clients().get(noClients, TENANT, id),
                () -> ops.clients().create(noClients, TENANT, ClientSpec.named("X", ScopeSet.EMPTY)),
                () -> ops.clients().update(noClients, TENANT, id, new ClientUpdate("X", null, null, null, null, null, null)),
                () -> ops.clients().rotateSecret(noClients, TENANT, id, Duration.ZERO),
                () -> ops.clients().revokePreviousSecret(noClients, TENANT, id),
                () -> ops.clients().revokeTokens(noClients, TENANT, id),
                () -> ops.clients().delete(noClients, TENANT, id),
                () -> ops.clients().tokenIssuance(holding(Capability.MANAGE_USERS), TENANT, id, Duration.ofHours(1), 24),
                () -> ops.scopes().list(holding(Capability.VIEW_AUDIT), TENANT),
                () -> ops.scopes().create(noScopes, TENANT, new ScopeDefinition(new ScopeName("x"), "")),
                () -> ops.scopes().describe(noScopes, TENANT, new ScopeName("users:read"), "x"),
                () -> ops.scopes().delete(noScopes, TENANT, new ScopeName("users:read")),
                () -> ops.administrators().list(noAdmins, TENANT),
                () -> ops.administrators().get(noAdmins, TENANT, root.id()),
                () -> ops.administrators().create(noAdmins, TENANT, "eve", AdminRole.ADMIN, null),
                () -> ops.administrators().update(noAdmins, TENANT, root.id(), AdminRole.ADMIN, null),
                () -> ops.administrators().delete(noAdmins, TENANT, root.id()),
                () -> ops.administrators().resetTotp(noAdmins, TENANT, root.id()),
                () -> ops.administrators().resetPassword(noAdmins, TENANT, root.id()),
                () -> ops.users().list(noUsers, TENANT, null, 0, 10),
                () -> ops.users().create(noUsers, TENANT, "eve", "eve@example.com", null, null),
                () -> ops.users().delete(noUsers, TENANT, UUID.randomUUID().toString()),
                () -> ops.audit().query(noAudit, TENANT, null, 0, 10),
                () -> ops.audit().names(noAudit, TENANT, List.of(root.id())));

        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(AdminFailure.Forbidden.class).hasMessageStartingWith("requires");
        }
        assertThat(auditLog()).hasSize(1);
    }

    @Test
    void forbiddenWhenCapabilityMissingThenTheMessageNamesTheCapability() {
        assertThatThrownBy(() -> ops.administrators().list(holding(Capability.VIEW_AUDIT), TENANT))
                .hasMessage("requires the capability manage_admins");
        assertThatThrownBy(() -> ops.scopes().list(holding(), TENANT))
                .hasMessage("requires the capability manage_scopes or manage_client_credentials");
    }

    @Test
    void changesWhenMadeThenAuditedInsideTheirTransaction() {
        ClientId id = createClient("Billing").client().clientId();
        ops.clients().update(cli, TENANT, id, new ClientUpdate("Billing 2", null, null, null, null, null, null));
        ops.clients().rotateSecret(cli, TENANT, id, Duration.ofHours(1));
        ops.clients().revokePreviousSecret(cli, TENANT, id);
        ops.clients().delete(cli, TENANT, id);
        ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("orders:read"), "Read orders"));
        ops.scopes().describe(cli, TENANT, new ScopeName("orders:read"), "Read all orders");
        ops.scopes().delete(cli, TENANT, new ScopeName("orders:read"));
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();
        ops.administrators().update(cli, TENANT, eve.id(), AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT));
        ops.administrators().resetPassword(cli, TENANT, eve.id());
        ops.administrators().delete(cli, TENANT, eve.id());
        User user = ops.users().create(cli, TENANT, "jdoe", "jdoe@example.com", "Jane", "Doe");
        ops.users().delete(cli, TENANT, user.id());
        ops.audit().record(rootActor, AuditAction.ADMIN_LOGIN, null, clock.instant());

        assertThat(store.auditDepths).hasSize(15).allSatisfy(depth -> assertThat(depth).isPositive());
        assertThat(auditLog()).extracting(AuditEvent::action).containsExactlyInAnyOrder(
                "client.create", "client.update", "client.rotate_secret", "client.revoke_previous_secret",
                "client.delete", "scope.create", "scope.update", "scope.delete", "admin.create", "admin.update",
                "admin.password_reset", "admin.delete", "user.create", "user.delete", "admin.login");
    }

    @Test
    void clientChangesWhenCommittedThenTheListenerToldAgainAfterTheCommit() {
        ClientId id = createClient("Billing").client().clientId();
        ops.clients().update(cli, TENANT, id, new ClientUpdate(null, null, null, null, null, null, false));
        ops.clients().rotateSecret(cli, TENANT, id, Duration.ofHours(1));
        ops.clients().revokePreviousSecret(cli, TENANT, id);
        ops.clients().delete(cli, TENANT, id);

        assertThat(notices).filteredOn(n -> n.depth() == 0).extracting(Notice::client)
                .containsExactly(id, id, id, id, id);
    }

    // Clients

    @Test
    void listClientsWhenPagedThenCreationOrderWithTheTotal() {
        List<ClientId> created = new ArrayList<>(ops.clients().list(cli, TENANT, null, 0, 100).items().stream()
                .map(ClientCredential::clientId).toList());
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            created.add(createClient("Service " + i).client().clientId());
        }

        Page<ClientCredential> page = ops.clients().list(cli, TENANT, null, 2, 3);

        assertThat(page.items()).extracting(ClientCredential::clientId).containsExactlyElementsOf(created.subList(2, 5));
        assertThat(page.offset()).isEqualTo(2);
        assertThat(page.limit()).isEqualTo(3);
        assertThat(page.total()).isEqualTo(7);
        assertThat(ops.clients().list(cli, TENANT, null, 7, 3).items()).isEmpty();
        assertThat(ops.clients().list(cli, TENANT, null, 1000, 3).total()).isEqualTo(7);
    }

    @Test
    void listClientsWhenSearchingThenCaseInsensitiveSubstringOfNameOrId() {
        ClientCredential billing = createClient("Billing Service").client();
        createClient("Orders");

        assertThat(ops.clients().list(cli, TENANT, "bILLing", 0, 100).items()).containsExactly(billing);
        String idPart = billing.clientId().value().substring(3, 12).toUpperCase();
        assertThat(ops.clients().list(cli, TENANT, idPart, 0, 100).items()).containsExactly(billing);
        assertThat(ops.clients().list(cli, TENANT, "nothing like it", 0, 100).total()).isZero();
        assertThat(ops.clients().list(cli, TENANT, "  ", 0, 100).total()).isEqualTo(4);
    }

    @Test
    void listClientsWhenPageOutOfRangeThenInvalid() {
        assertThatThrownBy(() -> ops.clients().list(cli, TENANT, null, -1, 10))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("offset must not be negative");
        assertThatThrownBy(() -> ops.clients().list(cli, TENANT, null, 0, 0))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("limit must be between 1 and 100");
        assertThatThrownBy(() -> ops.clients().list(cli, TENANT, null, 0, 101))
                .isInstanceOf(AdminFailure.Invalid.class);
        assertThat(ops.clients().list(cli, TENANT, null, 0, 100).items()).hasSize(2);
    }

    @Test
    void getClientWhenStoredThenReturnsTheStoredClient() {
        ClientCredential created = createClient("Billing").client();

        assertThat(ops.clients().get(cli, TENANT, created.clientId())).isEqualTo(created);
    }

    @Test
    void getClientWhenItBelongsToAnotherTenantThenNotFound() {
        ClientId theirs = ops.clients().create(outsider, OTHER, ClientSpec.named("Theirs", ScopeSet.EMPTY)).client()
                .clientId();

        assertThatThrownBy(() -> ops.clients().get(cli, TENANT, theirs)).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void createClientWhenCreatedThenAuditedWithoutItsSecret() {
        ClientWithSecret created = ops.clients().create(rootActor, TENANT, new ClientSpec("Billing",
                ScopeSet.of("users:read", "users:write"), ScopeSet.of("users:read"), List.of("https://api.example"),
                List.of("ROLE_BILLING"), Duration.ofMinutes(10)));

        AuditEvent event = lastEvent();
        String id = created.client().clientId().value();
        assertThat(event.action()).isEqualTo("client.create");
        assertThat(event.clientId()).isEqualTo(id);
        assertThat(event.target()).isEqualTo(id);
        assertThat(event.actorKind()).isEqualTo(Actor.Kind.ADMIN);
        assertThat(event.actorId()).isEqualTo(root.id());
        assertThat(event.actorName()).isEqualTo("root");
        assertThat(event.address()).isEqualTo("192.0.2.1");
        assertThat(event.at()).isEqualTo(START);
        assertThat(event.before()).isNull();
        String secretId = created.client().secrets().get(0).id();
        assertThat(event.after()).isEqualTo("{\"client_id\":\"" + id + "\",\"name\":\"Billing\","
                + "\"allowed_scopes\":[\"users:read\",\"users:write\"],\"default_scopes\":[\"users:read\"],"
                + "\"audiences\":[\"https://api.example\"],\"authorities\":[\"ROLE_BILLING\"],"
                + "\"token_ttl_seconds\":600,\"enabled\":true,\"introspection\":false,"
                + "\"dpop_bound_access_tokens\":false,\"token_endpoint_auth_method\":\"client_secret_basic\",\"builtin\":false,"
                + "\"secrets\":[{\"id\":\"" + secretId + "\",\"created_at\":\"2026-03-01T10:00:00Z\","
                + "\"expires_at\":null}]}");
        assertThat(event.after()).doesNotContain(created.secret().reveal())
                .doesNotContain(created.client().secrets().get(0).hash().value());
    }

    @Test
    void createClientWhenScopeUndefinedThenInvalidAndNothingAudited() {
        assertThatThrownBy(() -> ops.clients().create(cli, TENANT, ClientSpec.named("X", ScopeSet.of("orders:read"))))
                .isInstanceOf(AdminFailure.Invalid.class);
        assertThat(auditLog()).isEmpty();
    }

    @Test
    void updateClientWhenFieldsGivenThenTheyChangeAndBeforeAndAfterAudited() {
        ClientCredential before = createClient("Billing").client();
        clock.advance(Duration.ofMinutes(1));

        ClientCredential after = ops.clients().update(cli, TENANT, before.clientId(), new ClientUpdate("Billing v2",
                ScopeSet.of("users:read", "users:write"), null, List.of("https://api.example"), List.of("ROLE_A"),
                Duration.ofMinutes(5), null));

        assertThat(after.name()).isEqualTo("Billing v2");
        assertThat(after.allowedScopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
        assertThat(after.defaultScopes()).isEqualTo(ScopeSet.of("users:read"));
        assertThat(after.audiences()).containsExactly("https://api.example");
        assertThat(after.authorities()).containsExactly("ROLE_A");
        assertThat(after.tokenTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(after.enabled()).isTrue();
        assertThat(after.updatedAt()).isEqualTo(clock.instant());
        assertThat(ops.clients().get(cli, TENANT, before.clientId())).isEqualTo(after);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("client.update");
        assertThat(event.clientId()).isEqualTo(before.clientId().value());
        assertThat(json(event.before())).containsEntry("name", "Billing").containsEntry("token_ttl_seconds", 3600L);
        assertThat(json(event.after())).containsEntry("name", "Billing v2").containsEntry("token_ttl_seconds", 300L);
    }

    @Test
    void updateClientWhenRenamedThenCertificateBindingAndDpopRequirementKept() {
        // Both bindings live beside each other on a client (RFC 8705 §3, RFC 9449 §5.2): an update
        // of other fields must carry them over, not rebuild the client without them.
        ClientCredential before = ops.clients().create(cli, TENANT, new ClientSpec("Bound", ScopeSet.of("users:read"),
                null, null, null, null, false, null, null, new ClientTls(null, null, true), true)).client();

        ClientCredential after = ops.clients().update(cli, TENANT, before.clientId(),
                new ClientUpdate("Bound v2", null, null, null, null, null, null));

        assertThat(after.name()).isEqualTo("Bound v2");
        assertThat(after.tls()).isEqualTo(before.tls());
        assertThat(after.certificateBoundTokens()).isTrue();
        assertThat(after.dpopBound()).isTrue();
        assertThat(ops.clients().get(cli, TENANT, before.clientId())).isEqualTo(after);
    }

    @Test
    void updateClientWhenOnlyDisablingThenClientDisableAndWhenEnablingThenClientEnable() {
        ClientId id = createClient("Billing").client().clientId();

        ops.clients().update(cli, TENANT, id, new ClientUpdate(null, null, null, null, null, null, false));
        assertThat(lastEvent().action()).isEqualTo("client.disable");
        assertThat(json(lastEvent().after())).containsEntry("enabled", false);

        ops.clients().update(cli, TENANT, id, new ClientUpdate("Billing", null, null, null, null, null, true));
        assertThat(lastEvent().action()).isEqualTo("client.enable");
    }

    @Test
    void updateClientWhenEnabledChangesWithOtherFieldsThenClientUpdate() {
        ClientId id = createClient("Billing").client().clientId();

        ops.clients().update(cli, TENANT, id, new ClientUpdate("Renamed", null, null, null, null, null, false));

        assertThat(lastEvent().action()).isEqualTo("client.update");
    }

    @Test
    void updateClientWhenUnknownThenNotFound() {
        assertThatThrownBy(() -> ops.clients().update(cli, TENANT, new ClientId("nope"),
                new ClientUpdate("X", null, null, null, null, null, null))).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void rotateSecretWhenCalledThenANewSecretThePreviousKeptForTheOverlapAndAudited() {
        ClientWithSecret created = createClient("Billing");

        ClientWithSecret rotated = ops.clients().rotateSecret(cli, TENANT, created.client().clientId(), Duration.ofHours(2));

        assertThat(rotated.secret().reveal()).isNotEqualTo(created.secret().reveal());
        assertThat(rotated.client().secrets()).hasSize(2);
        assertThat(rotated.client().secrets().get(0).expiresAt()).isEqualTo(START.plus(Duration.ofHours(2)));
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("client.rotate_secret");
        assertThat(event.detail()).isEqualTo("overlap_seconds=7200");
        assertThat(event.after()).doesNotContain(rotated.secret().reveal());
        assertThat((List<?>) json(event.after()).get("secrets")).hasSize(2);
        assertThat((List<?>) json(event.before()).get("secrets")).hasSize(1);
    }

    @Test
    void rotateSecretWhenOverlapNegativeThenInvalid() {
        ClientId id = createClient("Billing").client().clientId();

        assertThatThrownBy(() -> ops.clients().rotateSecret(cli, TENANT, id, Duration.ofSeconds(-1)))
                .isInstanceOf(AdminFailure.Invalid.class);
    }

    @Test
    void rotateSecretWhenOverlapNullThenTheDefaultOverlap() {
        ClientId id = createClient("Billing").client().clientId();

        ClientWithSecret rotated = ops.clients().rotateSecret(cli, TENANT, id, null);

        assertThat(rotated.client().secrets().get(0).expiresAt())
                .isEqualTo(START.plus(ClientOperations.DEFAULT_ROTATION_OVERLAP));
    }

    @Test
    void revokePreviousSecretWhenCalledThenOnlyTheNewestLeftAndAudited() {
        ClientWithSecret created = createClient("Billing");
        ClientWithSecret rotated = ops.clients().rotateSecret(cli, TENANT, created.client().clientId(), Duration.ofHours(2));

        ClientCredential after = ops.clients().revokePreviousSecret(cli, TENANT, created.client().clientId());

        assertThat(after.secrets()).singleElement().satisfies(s -> {
            assertThat(secretHasher.matches(rotated.secret().reveal(), s.hash())).isTrue();
            assertThat(s.expiresAt()).isNull();
        });
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("client.revoke_previous_secret");
        assertThat((List<?>) json(event.after()).get("secrets")).hasSize(1);
    }

    @Test
    void deleteClientWhenCalledThenRemovedAndWhatItWasAudited() {
        ClientCredential created = createClient("Billing").client();

        ops.clients().delete(cli, TENANT, created.clientId());

        assertThatThrownBy(() -> ops.clients().get(cli, TENANT, created.clientId())).isInstanceOf(AdminFailure.NotFound.class);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("client.delete");
        assertThat(event.after()).isNull();
        assertThat(json(event.before())).containsEntry("client_id", created.clientId().value());
    }

    /** A token of the client issued at {@code iat}: revoked or not, as every token check asks. */
    private boolean revoked(ClientId client, Instant iat) {
        return revocations.isRevoked(TENANT, client, UUID.randomUUID().toString(), iat);
    }

    @Test
    void disableClientWhenItHoldsTokensThenEveryTokenIssuedUntilNowRevokedAndTheCutoffAudited() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();
        clock.advance(Duration.ofMinutes(1));

        ops.clients().update(cli, TENANT, id, new ClientUpdate(null, null, null, null, null, null, false));

        Instant notBefore = clock.instant().plusSeconds(1);
        assertThat(revoked(id, issued)).isTrue();
        assertThat(revoked(id, clock.instant())).isTrue();
        assertThat(revoked(id, notBefore)).isFalse();
        assertThat(store.revocations().listCutoffs(clock.instant())).extracting(ClientTokenCutoff::notBefore)
                .containsExactly(notBefore);
        assertThat(lastEvent().action()).isEqualTo("client.disable");
        assertThat(lastEvent().detail()).isEqualTo("not_before=" + notBefore);
    }

    @Test
    void disableClientWhenOtherFieldsChangeTooThenTheTokensRevokedAsWell() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();

        ops.clients().update(cli, TENANT, id, new ClientUpdate("Renamed", null, null, null, null, null, false));

        assertThat(revoked(id, issued)).isTrue();
        assertThat(lastEvent().action()).isEqualTo("client.update");
        assertThat(lastEvent().detail()).startsWith("not_before=");
    }

    @Test
    void updateClientWhenNotDisablingThenNoTokenRevoked() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();

        ops.clients().update(cli, TENANT, id, new ClientUpdate("Renamed", null, null, null, null, null, true));

        assertThat(revoked(id, issued)).isFalse();
        assertThat(store.revocations().listCutoffs(clock.instant())).isEmpty();
        assertThat(lastEvent().detail()).isNull();
    }

    @Test
    void enableClientWhenDisabledBeforeThenOldTokensStayRevokedAndNewOnesAreNot() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();
        ops.clients().update(cli, TENANT, id, new ClientUpdate(null, null, null, null, null, null, false));
        clock.advance(Duration.ofMinutes(1));

        ops.clients().update(cli, TENANT, id, new ClientUpdate(null, null, null, null, null, null, true));

        assertThat(revoked(id, issued)).isTrue();
        assertThat(revoked(id, clock.instant())).isFalse();
        assertThat(lastEvent().action()).isEqualTo("client.enable");
        assertThat(lastEvent().detail()).isNull();
    }

    @Test
    void deleteClientWhenItHoldsTokensThenRevokedAndTheCutoffOutlivesTheClient() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();

        ops.clients().delete(cli, TENANT, id);

        assertThat(revoked(id, issued)).isTrue();
        Instant notBefore = clock.instant().plusSeconds(1);
        assertThat(store.revocations().listCutoffs(clock.instant())).extracting(ClientTokenCutoff::client)
                .containsExactly(id);
        assertThat(lastEvent().action()).isEqualTo("client.delete");
        assertThat(lastEvent().detail()).isEqualTo("not_before=" + notBefore);
    }

    @Test
    void deleteClientWhenBuiltinThenNoTokenRevokedInThisProcess() {
        ClientCredential builtin = ops.clients().list(cli, TENANT, null, 0, 10).items().get(0);
        Instant issued = clock.instant();

        assertThatThrownBy(() -> ops.clients().delete(cli, TENANT, builtin.clientId()))
                .isInstanceOf(AdminFailure.Conflict.class);

        assertThat(revoked(builtin.clientId(), issued)).isFalse();
    }

    @Test
    void revokeTokensWhenCalledThenRevokedAndAuditedAsClientRevokeTokens() {
        ClientId id = createClient("Billing").client().clientId();
        Instant issued = clock.instant();

        ClientTokenCutoff cutoff = ops.clients().revokeTokens(cli, TENANT, id);

        assertThat(cutoff.notBefore()).isEqualTo(clock.instant().plusSeconds(1));
        assertThat(revoked(id, issued)).isTrue();
        assertThat(lastEvent().action()).isEqualTo("client.revoke_tokens");
        assertThat(lastEvent().detail()).isEqualTo("not_before=" + cutoff.notBefore());
    }

    @Test
    void revokeTokensWhenUnknownClientThenNotFoundAndNothingStored() {
        assertThatThrownBy(() -> ops.clients().revokeTokens(cli, TENANT, new ClientId("nope")))
                .isInstanceOf(AdminFailure.NotFound.class);

        assertThat(store.revocations().listCutoffs(clock.instant())).isEmpty();
    }

    @Test
    void deleteClientWhenBuiltinThenConflictAndNothingAudited() {
        ClientCredential builtin = ops.clients().list(cli, TENANT, null, 0, 10).items().get(0);

        assertThatThrownBy(() -> ops.clients().delete(cli, TENANT, builtin.clientId()))
                .isInstanceOf(AdminFailure.Conflict.class);
        assertThat(auditLog()).isEmpty();
    }

    @Test
    void tokenIssuanceWhenQueriedThenTokensCountedPerBucketEndingNow() {
        ClientId id = createClient("Billing").client().clientId();
        clock.advance(Duration.ofHours(3));
        Instant minute = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        store.tokenCounts().add(List.of(
                new TokenCountRepository.Count(TENANT, id.value(), minute.minus(Duration.ofMinutes(150)),
                        TokenCountRepository.Outcome.ISSUED, 1),
                new TokenCountRepository.Count(TENANT, id.value(), minute.minus(Duration.ofMinutes(30)),
                        TokenCountRepository.Outcome.ISSUED, 1),
                new TokenCountRepository.Count(TENANT, id.value(), minute.minus(Duration.ofMinutes(20)),
                        TokenCountRepository.Outcome.ISSUED, 1),
                new TokenCountRepository.Count(TENANT, id.value(), minute.minus(Duration.ofMinutes(10)),
                        TokenCountRepository.Outcome.REFUSED, 1)));

        assertThat(ops.clients().tokenIssuance(holding(Capability.VIEW_AUDIT), TENANT, id, Duration.ofHours(1), 3))
                .containsExactly(1, 0, 2);
        assertThat(ops.clients().tokenIssuance(holding(Capability.MANAGE_CLIENT_CREDENTIALS), TENANT, id, Duration.ofHours(1), 2))
                .containsExactly(0, 2);
    }

    @Test
    void tokenIssuanceWhenBucketsInvalidThenInvalid() {
        ClientId id = createClient("Billing").client().clientId();

        assertThatThrownBy(() -> ops.clients().tokenIssuance(cli, TENANT, id, Duration.ZERO, 24))
                .isInstanceOf(AdminFailure.Invalid.class);
        assertThatThrownBy(() -> ops.clients().tokenIssuance(cli, TENANT, id, Duration.ofHours(1), 0))
                .isInstanceOf(AdminFailure.Invalid.class);
        assertThatThrownBy(() -> ops.clients().tokenIssuance(cli, TENANT, id, Duration.ofHours(1), 10_001))
                .isInstanceOf(AdminFailure.Invalid.class);
    }

    @Test
    void tokenIssuanceWhenClientUnknownThenNotFound() {
        assertThatThrownBy(() -> ops.clients().tokenIssuance(cli, TENANT, new ClientId("nope"), Duration.ofHours(1), 24))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    // Scopes

    @Test
    void listScopesWhenClientManagerThenTheTenantsScopes() {
        assertThat(ops.scopes().list(holding(Capability.MANAGE_CLIENT_CREDENTIALS), TENANT))
                .extracting(s -> s.name().value())
                .contains("users:read", "users:write", "admin:view_audit");
        assertThat(ops.scopes().list(holding(Capability.MANAGE_SCOPES), TENANT)).hasSize(7);
    }

    @Test
    void createScopeWhenCalledThenDefinedAndAudited() {
        ScopeDefinition scope = new ScopeDefinition(new ScopeName("orders:read"), "Read orders");

        assertThat(ops.scopes().create(cli, TENANT, scope)).isEqualTo(scope);

        assertThat(ops.scopes().list(cli, TENANT)).contains(scope);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("scope.create");
        assertThat(event.target()).isEqualTo("orders:read");
        assertThat(event.clientId()).isNull();
        assertThat(event.after()).isEqualTo("{\"name\":\"orders:read\",\"description\":\"Read orders\"}");
    }

    @Test
    void createScopeWhenDefinedThenDuplicate() {
        assertThatThrownBy(() -> ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("users:read"), "")))
                .isInstanceOf(DuplicateException.class);
    }

    @Test
    void describeScopeWhenCalledThenTheDescriptionChangedAndAudited() {
        ScopeDefinition changed = ops.scopes().describe(cli, TENANT, new ScopeName("users:read"), "Read users");

        assertThat(changed).isEqualTo(new ScopeDefinition(new ScopeName("users:read"), "Read users"));
        assertThat(ops.scopes().list(cli, TENANT)).contains(changed);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("scope.update");
        assertThat(json(event.before())).containsEntry("description", "Read the tenant's user directory");
        assertThat(json(event.after())).containsEntry("description", "Read users");
    }

    @Test
    void describeScopeWhenUndefinedThenNotFound() {
        assertThatThrownBy(() -> ops.scopes().describe(cli, TENANT, new ScopeName("orders:read"), "x"))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void deleteScopeWhenNoClientHoldsItThenDeletedAndAudited() {
        ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("orders:read"), "Read orders"));

        ops.scopes().delete(cli, TENANT, new ScopeName("orders:read"));

        assertThat(ops.scopes().list(cli, TENANT)).extracting(s -> s.name().value()).doesNotContain("orders:read");
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("scope.delete");
        assertThat(event.after()).isNull();
        assertThat(json(event.before())).containsEntry("name", "orders:read");
    }

    @Test
    void deleteScopeWhenAClientHoldsItThenConflict() {
        ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("orders:read"), "Read orders"));
        ops.clients().create(cli, TENANT, ClientSpec.named("Orders", ScopeSet.of("orders:read")));

        assertThatThrownBy(() -> ops.scopes().delete(cli, TENANT, new ScopeName("orders:read")))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("scope orders:read is still allowed for 1 client(s); remove it from them first");
    }

    @Test
    void deleteScopeWhenBuiltinThenConflict() {
        for (String builtin : List.of("users:read", "users:write", "admin:manage_client_credentials",
                "admin:view_audit")) {
            assertThatThrownBy(() -> ops.scopes().delete(cli, TENANT, new ScopeName(builtin)))
                    .isInstanceOf(AdminFailure.Conflict.class)
                    .hasMessage("scope " + builtin + " is built in and cannot be deleted");
        }
        assertThat(ops.scopes().list(cli, TENANT)).hasSize(7);
    }

    @Test
    void deleteScopeWhenUndefinedThenNotFound() {
        assertThatThrownBy(() -> ops.scopes().delete(cli, TENANT, new ScopeName("orders:read")))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    // Admins

    @Test
    void listAdminsWhenOtherTenantsHaveAdminsThenTheTenantsAdminsOnly() {
        store.admins().insert(new Admin(UUID.randomUUID().toString(), OTHER, "theirs", AdminRole.ADMIN, null,
                root.passwordHash(), false, null, START, START));

        assertThat(ops.administrators().list(cli, TENANT)).containsExactly(root);
    }

    @Test
    void getAdminWhenAnotherTenantsAdminThenNotFound() {
        Admin theirs = new Admin(UUID.randomUUID().toString(), OTHER, "theirs", AdminRole.ADMIN, null,
                root.passwordHash(), false, null, START, START);
        store.admins().insert(theirs);

        assertThat(ops.administrators().get(cli, TENANT, root.id())).isEqualTo(root);
        assertThatThrownBy(() -> ops.administrators().get(cli, TENANT, theirs.id())).isInstanceOf(AdminFailure.NotFound.class);
        assertThatThrownBy(() -> ops.administrators().get(cli, TENANT, null)).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void createAdminWhenCalledThenAGeneratedPasswordToBeChangedAndAuditedWithoutHashOrSecret() {
        AdminAccounts.AdminWithPassword created = ops.administrators().create(rootActor, TENANT, "eve",
                AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT, Capability.MANAGE_USERS));

        Admin eve = created.admin();
        assertThat(eve.username()).isEqualTo("eve");
        assertThat(eve.role()).isEqualTo(AdminRole.ADDITIONAL_ADMIN);
        assertThat(eve.capabilities()).containsExactlyInAnyOrder(Capability.VIEW_AUDIT, Capability.MANAGE_USERS);
        assertThat(eve.mustChangePassword()).isTrue();
        assertThat(passwords.verify(created.password().toCharArray(), eve.passwordHash())).isTrue();
        assertThat(store.admins().find(TENANT, eve.id())).contains(eve);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.create");
        assertThat(event.target()).isEqualTo(eve.id());
        assertThat(event.after()).isEqualTo("{\"id\":\"" + eve.id() + "\",\"username\":\"eve\","
                + "\"role\":\"additional_admin\",\"capabilities\":[\"manage_users\",\"view_audit\"],"
                + "\"must_change_password\":true,\"totp_enrolled\":false}");
        assertThat(event.after()).doesNotContain(eve.passwordHash()).doesNotContain(created.password());
    }

    @Test
    void createAdminWhenRoleAdminThenNoGrantedCapabilitiesStored() {
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, Set.of(Capability.VIEW_AUDIT)).admin();

        assertThat(eve.capabilities()).isEmpty();
        assertThat(eve.effectiveCapabilities()).containsExactlyInAnyOrder(Capability.values());
    }

    @Test
    void createAdminWhenUsernameInvalidThenInvalid() {
        assertThatThrownBy(() -> ops.administrators().create(cli, TENANT, "eve smith", AdminRole.ADMIN, null))
                .isInstanceOf(AdminFailure.Invalid.class);
        assertThatThrownBy(() -> ops.administrators().create(cli, TENANT, null, AdminRole.ADMIN, null))
                .isInstanceOf(AdminFailure.Invalid.class);
    }

    @Test
    void createAdminWhenRoleMissingThenInvalid() {
        assertThatThrownBy(() -> ops.administrators().create(cli, TENANT, "eve", null, null))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("role is required");
    }

    @Test
    void createAdminWhenUsernameTakenInAnyCaseThenConflict() {
        assertThatThrownBy(() -> ops.administrators().create(cli, TENANT, "root", AdminRole.ADMIN, null))
                .isInstanceOf(AdminFailure.Conflict.class);
        assertThatThrownBy(() -> ops.administrators().create(cli, TENANT, "ROOT", AdminRole.ADMIN, null))
                .isInstanceOf(AdminFailure.Conflict.class);
        assertThat(ops.administrators().create(outsider, OTHER, "root", AdminRole.ADMIN, null).admin().tenantId())
                .isEqualTo(OTHER);
    }

    @Test
    void updateAdminWhenCalledThenRoleAndCapabilitiesChangedAndAudited() {
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();
        clock.advance(Duration.ofMinutes(1));

        Admin updated = ops.administrators().update(cli, TENANT, eve.id(), AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.VIEW_AUDIT));

        assertThat(updated.role()).isEqualTo(AdminRole.ADDITIONAL_ADMIN);
        assertThat(updated.capabilities()).containsExactly(Capability.VIEW_AUDIT);
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(store.admins().find(TENANT, eve.id())).contains(updated);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.update");
        assertThat(json(event.before())).containsEntry("role", "admin");
        assertThat(json(event.after())).containsEntry("role", "additional_admin")
                .containsEntry("capabilities", List.of("view_audit"));
    }

    @Test
    void updateAdminWhenItWouldLeaveNoAdminThenConflict() {
        assertThatThrownBy(() -> ops.administrators().update(cli, TENANT, root.id(), AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_ADMINS)))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("the tenant must keep at least one admin with role admin");
        assertThat(store.admins().find(TENANT, root.id())).contains(root);
    }

    @Test
    void updateAdminWhenAnotherAdminRemainsThenTheLastButOneMayBeDemoted() {
        ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null);

        assertThat(ops.administrators().update(rootActor, TENANT, root.id(), AdminRole.ADDITIONAL_ADMIN, null).role())
                .isEqualTo(AdminRole.ADDITIONAL_ADMIN);
    }

    @Test
    void updateAdminWhenUnknownThenNotFound() {
        assertThatThrownBy(() -> ops.administrators().update(cli, TENANT, UUID.randomUUID().toString(), AdminRole.ADMIN, null))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void deleteAdminWhenCalledThenRemovedItsSessionsEndedAndAudited() {
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();
        store.adminSessions().insert(new AdminSession("hash", TENANT, eve.id(), "csrf", null, START, START));

        ops.administrators().delete(rootActor, TENANT, eve.id());

        assertThat(store.admins().find(TENANT, eve.id())).isEmpty();
        assertThat(store.adminSessions().find("hash")).isEmpty();
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.delete");
        assertThat(json(event.before())).containsEntry("username", "eve");
        assertThat(event.after()).isNull();
    }

    @Test
    void deleteAdminWhenLastAdminThenConflict() {
        assertThatThrownBy(() -> ops.administrators().delete(cli, TENANT, root.id()))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("the tenant must keep at least one admin with role admin");
    }

    @Test
    void deleteAdminWhenTheTargetHoldsMoreThanTheActorThenForbidden() {
        Admin helper = ops.administrators().create(cli, TENANT, "helper", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_ADMINS)).admin();

        assertThatThrownBy(() -> ops.administrators().delete(Actor.admin(helper, null), TENANT, root.id()))
                .isInstanceOf(AdminFailure.Forbidden.class);
        assertThat(store.admins().find(TENANT, root.id())).isPresent();
    }

    @Test
    void deleteAdminWhenOneselfThenConflict() {
        ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null);

        assertThatThrownBy(() -> ops.administrators().delete(rootActor, TENANT, root.id()))
                .isInstanceOf(AdminFailure.Conflict.class).hasMessage("an admin cannot delete themself");
    }

    @Test
    void deleteAdminWhenAnotherTenantsAdminThenNotFound() {
        Admin theirs = ops.administrators().create(outsider, OTHER, "theirs", AdminRole.ADMIN, null).admin();

        assertThatThrownBy(() -> ops.administrators().delete(cli, TENANT, theirs.id())).isInstanceOf(AdminFailure.NotFound.class);
        assertThat(store.admins().find(OTHER, theirs.id())).isPresent();
    }

    @Test
    void resetTotpWhenAnotherAdminsThenTheirSecondFactorRemovedAndAuditedWithoutTheSecret() {
        String secret = Totp.generateSecret();
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();
        store.admins().update(eve.withTotpSecret(secret, START));
        clock.advance(Duration.ofMinutes(1));

        Admin reset = ops.administrators().resetTotp(rootActor, TENANT, eve.id());

        assertThat(reset.totpSecret()).isNull();
        assertThat(reset.updatedAt()).isEqualTo(clock.instant());
        assertThat(store.admins().find(TENANT, eve.id())).contains(reset);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.totp_reset");
        assertThat(event.actorId()).isEqualTo(root.id());
        assertThat(event.target()).isEqualTo(eve.id());
        assertThat(json(event.before())).containsEntry("totp_enrolled", true);
        assertThat(json(event.after())).containsEntry("totp_enrolled", false);
        assertThat(event.before() + event.after()).doesNotContain(secret);
    }

    @Test
    void resetTotpWhenOneselfThenConflictAndTheSecondFactorStays() {
        Admin enrolled = root.withTotpSecret(Totp.generateSecret(), START);
        store.admins().update(enrolled);

        assertThatThrownBy(() -> ops.administrators().resetTotp(rootActor, TENANT, root.id()))
                .isInstanceOf(AdminFailure.Conflict.class).hasMessageContaining("with their password");
        assertThat(store.admins().find(TENANT, root.id())).contains(enrolled);
    }

    @Test
    void resetTotpWhenNoneEnrolledThenConflict() {
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();

        assertThatThrownBy(() -> ops.administrators().resetTotp(rootActor, TENANT, eve.id()))
                .isInstanceOf(AdminFailure.Conflict.class).hasMessage("admin eve has no second factor");
    }

    @Test
    void resetTotpWhenAnotherTenantsAdminThenNotFound() {
        Admin theirs = ops.administrators().create(outsider, OTHER, "theirs", AdminRole.ADMIN, null).admin();
        store.admins().update(theirs.withTotpSecret(Totp.generateSecret(), START));

        assertThatThrownBy(() -> ops.administrators().resetTotp(cli, TENANT, theirs.id())).isInstanceOf(AdminFailure.NotFound.class);
        assertThat(store.admins().find(OTHER, theirs.id()).orElseThrow().totpSecret()).isNotNull();
    }

    @Test
    void resetPasswordWhenCalledThenAOneTimePasswordTheSessionsEndedAndAuditedWithoutHashOrPassword() {
        Admin eve = ops.administrators().create(cli, TENANT, "eve", AdminRole.ADMIN, null).admin();
        Admin settled = eve.withPassword(passwords.hash("eve's own password".toCharArray()), false, START);
        store.admins().update(settled);
        store.adminSessions().insert(new AdminSession("hash", TENANT, eve.id(), "csrf", null, START, START));
        clock.advance(Duration.ofMinutes(1));

        AdminAccounts.AdminWithPassword reset = ops.administrators().resetPassword(rootActor, TENANT, eve.id());

        Admin stored = store.admins().find(TENANT, eve.id()).orElseThrow();
        assertThat(stored).isEqualTo(reset.admin());
        assertThat(stored.mustChangePassword()).isTrue();
        assertThat(stored.updatedAt()).isEqualTo(clock.instant());
        assertThat(passwords.verify(reset.password().toCharArray(), stored.passwordHash())).isTrue();
        assertThat(passwords.verify("eve's own password".toCharArray(), stored.passwordHash())).isFalse();
        assertThat(store.adminSessions().find("hash")).isEmpty();
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.password_reset");
        assertThat(event.actorId()).isEqualTo(root.id());
        assertThat(event.target()).isEqualTo(eve.id());
        assertThat(json(event.before())).containsEntry("must_change_password", false);
        assertThat(json(event.after())).containsEntry("must_change_password", true);
        assertThat(event.before() + event.after()).doesNotContain(reset.password()).doesNotContain(stored.passwordHash());
    }

    @Test
    void resetPasswordWhenOneselfThenConflictAndThePasswordStays() {
        assertThatThrownBy(() -> ops.administrators().resetPassword(rootActor, TENANT, root.id()))
                .isInstanceOf(AdminFailure.Conflict.class).hasMessageContaining("with the current one");
        assertThat(store.admins().find(TENANT, root.id())).contains(root);
    }

    @Test
    void resetPasswordWhenTheTargetHoldsMoreThanTheActorThenForbidden() {
        Admin helper = ops.administrators().create(cli, TENANT, "helper", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_ADMINS)).admin();

        assertThatThrownBy(() -> ops.administrators().resetPassword(Actor.admin(helper, null), TENANT, root.id()))
                .isInstanceOf(AdminFailure.Forbidden.class);
        assertThat(store.admins().find(TENANT, root.id())).contains(root);
    }

    @Test
    void resetPasswordWhenAnotherTenantsAdminThenNotFound() {
        Admin theirs = ops.administrators().create(outsider, OTHER, "theirs", AdminRole.ADMIN, null).admin();

        assertThatThrownBy(() -> ops.administrators().resetPassword(cli, TENANT, theirs.id())).isInstanceOf(AdminFailure.NotFound.class);
        assertThat(store.admins().find(OTHER, theirs.id())).contains(theirs);
    }

    // Users

    @Test
    void createUserWhenCalledThenStoredAndAudited() {
        User user = ops.users().create(cli, TENANT, "jdoe", "jdoe@example.com", "Jane", null);

        assertThat(store.users().find(TENANT, user.id())).contains(user);
        assertThat(user.createdAt()).isEqualTo(START);
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("user.create");
        assertThat(event.target()).isEqualTo(user.id());
        assertThat(event.after()).isEqualTo("{\"id\":\"" + user.id() + "\",\"username\":\"jdoe\","
                + "\"email\":\"jdoe@example.com\",\"first_name\":\"Jane\",\"last_name\":null}");
    }

    @Test
    void createUserWhenInvalidThenInvalidNamingEveryField() {
        assertThatThrownBy(() -> ops.users().create(cli, TENANT, "", "not-an-email", null, null))
                .isInstanceOf(AdminFailure.Invalid.class)
                .hasMessageContaining("username required")
                .hasMessageContaining("email must be an email address");
        assertThat(auditLog()).isEmpty();
    }

    @Test
    void createUserWhenUsernameTakenThenConflict() {
        ops.users().create(cli, TENANT, "jdoe", "jdoe@example.com", null, null);

        assertThatThrownBy(() -> ops.users().create(cli, TENANT, "jdoe", "other@example.com", null, null))
                .isInstanceOf(AdminFailure.Conflict.class);
    }

    @Test
    void listUsersWhenPagedThenPagesWithTheTotal() {
        List<User> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            created.add(ops.users().create(cli, TENANT, "user" + i, "user" + i + "@example.com", null, null));
        }

        Page<User> page = ops.users().list(cli, TENANT, null, 1, 2);

        assertThat(page.items()).containsExactlyElementsOf(created.subList(1, 3));
        assertThat(page.total()).isEqualTo(5);
        assertThatThrownBy(() -> ops.users().list(cli, TENANT, null, 0, 101)).isInstanceOf(AdminFailure.Invalid.class);
    }

    @Test
    void deleteUserWhenCalledThenRemovedAndAudited() {
        User user = ops.users().create(cli, TENANT, "jdoe", "jdoe@example.com", null, null);

        ops.users().delete(cli, TENANT, user.id());

        assertThat(store.users().find(TENANT, user.id())).isEmpty();
        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("user.delete");
        assertThat(json(event.before())).containsEntry("username", "jdoe");
    }

    @Test
    void deleteUserWhenUnknownOrMalformedIdThenNotFound() {
        assertThatThrownBy(() -> ops.users().delete(cli, TENANT, UUID.randomUUID().toString()))
                .isInstanceOf(AdminFailure.NotFound.class);
        assertThatThrownBy(() -> ops.users().delete(cli, TENANT, "not-a-uuid")).isInstanceOf(AdminFailure.NotFound.class);
    }

    // Audit

    @Test
    void auditNamesWhenAskedForIdsThenTheCurrentNamesOfThoseThatAreClientsOrAdmins() {
        ClientId billing = createClient("Billing").client().clientId();
        ClientId other = createClient("Other").client().clientId();
        ops.clients().update(cli, TENANT, billing, new ClientUpdate("Billing renamed", null, null, null, null, null, null));
        ClientId theirs = ops.clients().list(Actor.cli(OTHER), OTHER, null, 0, 10).items().getFirst().clientId();

        Map<String, String> names = ops.audit().names(holding(Capability.VIEW_AUDIT), TENANT,
                List.of(billing.value(), root.id(), theirs.value(), "no-such-id"));

        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(billing.value(), "Billing renamed",
                root.id(), "root"));
        assertThat(names).doesNotContainKey(other.value());
        assertThat(ops.audit().names(holding(Capability.VIEW_AUDIT), TENANT, List.of())).isEmpty();
    }

    @Test
    void auditWhenPagedThenNewestFirstWithTheExactTotalOnEveryPage() {
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("s" + i), ""));
        }
        Actor auditor = holding(Capability.VIEW_AUDIT);

        Page<AuditEvent> first = ops.audit().query(auditor, TENANT, null, 0, 2);
        Page<AuditEvent> last = ops.audit().query(auditor, TENANT, AuditRepository.Filter.ALL, 4, 2);
        Page<AuditEvent> past = ops.audit().query(auditor, TENANT, AuditRepository.Filter.ALL, 10, 2);

        assertThat(first.items()).extracting(AuditEvent::target).containsExactly("s4", "s3");
        assertThat(first.total()).isEqualTo(5);
        assertThat(last.items()).extracting(AuditEvent::target).containsExactly("s0");
        assertThat(last.total()).isEqualTo(5);
        assertThat(past.items()).isEmpty();
        assertThat(past.total()).isEqualTo(5);
    }

    @Test
    void auditTotalWhenFilteredThenCountsOnlyWhatTheFilterMatches() {
        for (int i = 0; i < 3; i++) {
            ops.scopes().create(cli, TENANT, new ScopeDefinition(new ScopeName("s" + i), ""));
        }
        createClient("Billing");

        Page<AuditEvent> page = ops.audit().query(cli, TENANT, new AuditRepository.Filter(null, null, "scope.", null, null),
                0, 2);

        assertThat(page.items()).hasSize(2);
        assertThat(page.total()).isEqualTo(3);
    }

    @Test
    void auditWhenFilteredByClientThenThatClientsEventsOnly() {
        ClientId billing = createClient("Billing").client().clientId();
        ClientId orders = createClient("Orders").client().clientId();
        ops.clients().rotateSecret(cli, TENANT, billing, Duration.ZERO);

        Page<AuditEvent> page = ops.audit().query(cli, TENANT,
                new AuditRepository.Filter(null, billing.value(), null, null, null), 0, 10);

        assertThat(page.items()).extracting(AuditEvent::action)
                .containsExactly("client.rotate_secret", "client.create");
        assertThat(page.items()).extracting(AuditEvent::clientId).doesNotContain(orders.value());
    }

    // record

    @Test
    void recordWhenAdminsOwnEventThenWrittenWithoutAnyCapability() {
        Actor viewer = new Actor(TENANT, Actor.Kind.ADMIN, root.id(), "root", Set.of(), "192.0.2.1");
        Instant at = START.plusSeconds(5);

        ops.audit().record(viewer, AuditAction.ADMIN_PASSWORD_CHANGE, "via console", at);

        AuditEvent event = lastEvent();
        assertThat(event.action()).isEqualTo("admin.password_change");
        assertThat(event.actorId()).isEqualTo(root.id());
        assertThat(event.target()).isEqualTo(root.id());
        assertThat(event.detail()).isEqualTo("via console");
        assertThat(event.at()).isEqualTo(at);
        assertThat(event.address()).isEqualTo("192.0.2.1");
    }

    @Test
    void recordWhenActionMalformedThenIllegalArgument() {
        for (String action : Arrays.asList(null, "", "login", "Admin.Login", "admin.", "admin login")) {
            assertThatThrownBy(() -> ops.audit().record(rootActor, action, null, START))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
