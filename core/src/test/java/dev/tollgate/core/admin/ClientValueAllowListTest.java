package dev.tollgate.core.admin;

import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tenant's allow-lists of authorities and audiences (issue 11): a credential manager who is not a
 * tenant admin chooses only listed values, the default audience, or values the client already has;
 * a tenant admin sets anything; a refusal names its field and changes nothing. And the
 * introspection permission: off for a new client unless asked for, kept or changed by an update.
 */
class ClientValueAllowListTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final SecretHasher hasher = new SecretHasher(new byte[32]);
    private final AdminOperations ops = new AdminOperations(store, hasher, new PasswordHasher(1000),
            new Revocations(store, clock), new ChangeListener() { }, clock);
    private final Actor tenantAdmin = new Actor(TENANT, Actor.Kind.ADMIN, "root", "root",
            EnumSet.allOf(Capability.class), "192.0.2.1");
    private final Actor credentialManager = new Actor(TENANT, Actor.Kind.ADMIN, "cm", "cm",
            Set.of(Capability.MANAGE_CLIENT_CREDENTIALS), "192.0.2.2");

    @BeforeEach
    void provision() {
        new TestAdministration(store, hasher, new ChangeListener() { }, clock).tenants.create(TENANT, "Acme",
                TenantSettings.DEFAULTS.withDefaultAudience("https://api.acme.example")
                        .withAllowedAuthorities(List.of("ROLE_READER"))
                        .withAllowedAudiences(List.of("https://orders.acme.example")));
    }

    @Test
    void createWhenCredentialManagerChoosesListedValuesThenCreated() {
        ClientCredential client = ops.clients().create(credentialManager, TENANT, spec(
                List.of("https://orders.acme.example", "https://api.acme.example"), List.of("ROLE_READER"))).client();

        assertThat(client.audiences()).containsExactly("https://orders.acme.example", "https://api.acme.example");
        assertThat(client.authorities()).containsExactly("ROLE_READER");
    }

    @Test
    void createWhenCredentialManagerChoosesUnlistedValuesThenInvalidNamingBothFieldsAndNothingCreated() {
        int clientsBefore = store.clients().list(TENANT).size();
        long eventsBefore = store.audit().count(TENANT, AuditRepository.Filter.ALL);

        assertThatThrownBy(() -> ops.clients().create(credentialManager, TENANT,
                spec(List.of("https://payments.acme.example"), List.of("ROLE_ADMIN"))))
                .isInstanceOfSatisfying(AdminFailure.Invalid.class, failure -> {
                    assertThat(failure.fields()).containsOnlyKeys("audiences", "authorities");
                    assertThat(failure.fields().get("audiences")).contains("https://payments.acme.example");
                    assertThat(failure.fields().get("authorities")).contains("ROLE_ADMIN");
                });

        assertThat(store.clients().list(TENANT)).hasSize(clientsBefore);
        assertThat(store.audit().count(TENANT, AuditRepository.Filter.ALL)).isEqualTo(eventsBefore);
    }

    @Test
    void createWhenTenantListsNothingThenCredentialManagerMaySetNoAuthorityButTenantAdminMay() {
        ops.tenants().updateSettings(Actor.cli(TENANT), TENANT,
                s -> s.withAllowedAuthorities(List.of()).withAllowedAudiences(List.of()));

        assertThatThrownBy(() -> ops.clients().create(credentialManager, TENANT, spec(null, List.of("ROLE_READER"))))
                .isInstanceOfSatisfying(AdminFailure.Invalid.class,
                        failure -> assertThat(failure.fields()).containsOnlyKeys("authorities"));
        assertThatThrownBy(() -> ops.clients().create(credentialManager, TENANT,
                spec(List.of("https://orders.acme.example"), null)))
                .isInstanceOfSatisfying(AdminFailure.Invalid.class,
                        failure -> assertThat(failure.fields()).containsOnlyKeys("audiences"));

        ClientCredential byAdmin = ops.clients().create(tenantAdmin, TENANT,
                spec(List.of("https://anything.example"), List.of("ROLE_ANY"))).client();
        assertThat(byAdmin.authorities()).containsExactly("ROLE_ANY");
    }

    @Test
    void updateWhenCredentialManagerAddsUnlistedAuthorityThenInvalidAndClientUnchanged() {
        ClientCredential before = ops.clients().create(credentialManager, TENANT, spec(null, null)).client();

        assertThatThrownBy(() -> ops.clients().update(credentialManager, TENANT, before.clientId(),
                new ClientUpdate(null, null, null, null, List.of("ROLE_ADMIN"), null, null)))
                .isInstanceOfSatisfying(AdminFailure.Invalid.class,
                        failure -> assertThat(failure.fields()).containsOnlyKeys("authorities"));

        assertThat(store.clients().find(TENANT, before.clientId())).contains(before);
    }

    @Test
    void updateWhenClientAlreadyHasUnlistedValuesFromTenantAdminThenCredentialManagerMayKeepThemAndEditOthers() {
        ClientId id = ops.clients().create(tenantAdmin, TENANT,
                spec(List.of("https://legacy.acme.example"), List.of("ROLE_LEGACY"))).client().clientId();

        ClientCredential renamed = ops.clients().update(credentialManager, TENANT, id, new ClientUpdate("Renamed",
                null, null, List.of("https://legacy.acme.example"), List.of("ROLE_LEGACY", "ROLE_READER"), null, null));

        assertThat(renamed.name()).isEqualTo("Renamed");
        assertThat(renamed.authorities()).containsExactly("ROLE_LEGACY", "ROLE_READER");
    }

    @Test
    void createWhenIntrospectionNotAskedForThenClientMayNotIntrospectAndUpdateGrantsIt() {
        ClientId id = ops.clients().create(credentialManager, TENANT, spec(null, null)).client().clientId();
        assertThat(ops.clients().get(credentialManager, TENANT, id).introspection()).isFalse();

        ClientCredential granted = ops.clients().update(credentialManager, TENANT, id,
                new ClientUpdate(null, null, null, null, null, null, null, true));
        ClientCredential renamed = ops.clients().update(credentialManager, TENANT, id,
                new ClientUpdate("Still introspecting", null, null, null, null, null, null));

        assertThat(granted.introspection()).isTrue();
        assertThat(renamed.introspection()).isTrue();
        assertThat(AdminViews.clientSettings(renamed)).containsEntry("introspection", true);
    }

    @Test
    void tenantCreateWhenBuiltinCredentialsMadeThenOnlyTheMicroserviceKeyMayIntrospect() {
        assertThat(store.clients().list(TENANT))
                .allSatisfy(c -> assertThat(c.introspection()).isEqualTo(c.builtin() == BuiltinClient.MICROSERVICE));
    }

    @Test
    void updateAllowListsWhenCredentialManagerThenForbiddenAndWhenTenantAdminThenReplacedAndAudited() {
        assertThatThrownBy(() -> ops.tenants().updateAllowLists(credentialManager, TENANT, List.of("ROLE_ADMIN"), null))
                .isInstanceOf(AdminFailure.Forbidden.class);
        assertThat(store.tenants().find(TENANT).orElseThrow().settings().allowedAuthorities())
                .containsExactly("ROLE_READER");

        ops.tenants().updateAllowLists(tenantAdmin, TENANT, List.of("ROLE_AUDITOR"), null);

        TenantSettings after = ops.tenants().settings(credentialManager, TENANT);
        assertThat(after.allowedAuthorities()).containsExactly("ROLE_AUDITOR");
        assertThat(after.allowedAudiences()).containsExactly("https://orders.acme.example");
        assertThat(store.audit().query(TENANT, AuditRepository.Filter.ALL, 0, 10))
                .anySatisfy(e -> assertThat(e.action()).isEqualTo(AuditAction.TENANT_UPDATE));
    }

    @Test
    void updateAllowListsWhenAValueHasASpaceThenInvalidNamingTheField() {
        assertThatThrownBy(() -> ops.tenants().updateAllowLists(tenantAdmin, TENANT, null, List.of("urn:a b")))
                .isInstanceOfSatisfying(AdminFailure.Invalid.class,
                        failure -> assertThat(failure.fields()).containsOnlyKeys("allowed_audiences"));
    }

    private static ClientSpec spec(List<String> audiences, List<String> authorities) {
        return new ClientSpec("Orders reader", ScopeSet.EMPTY, null, audiences, authorities, null);
    }
}
