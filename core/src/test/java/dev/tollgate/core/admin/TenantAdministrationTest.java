package dev.tollgate.core.admin;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.core.token.TokenVerifier;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantAdministrationTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private final InMemoryInstallation node = new InMemoryInstallation();

    @Test
    void createWhenCalledThenTheTwoBuiltinClientsWithTheirReferenceNames() {
        ProvisionedTenant created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        assertThat(created.clients()).extracting(c -> c.client().name())
                .containsExactly("Default Client Credential", "microservice-communication-key");
        assertThat(created.clients()).extracting(c -> c.client().builtin())
                .containsExactly(BuiltinClient.DEFAULT, BuiltinClient.MICROSERVICE);
        assertThat(node.clients.list(TENANT)).extracting(ClientCredential::clientId)
                .containsExactlyInAnyOrderElementsOf(created.clients().stream().map(c -> c.client().clientId()).toList());
    }

    @Test
    void createWhenCalledThenBuiltinClientsWhoseSecretsGetTokens() {
        ProvisionedTenant created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        for (ClientWithSecret client : created.clients()) {
            TokenService.Outcome outcome = node.issue(TENANT, client.client().clientId().value(),
                    client.secret().reveal());

            assertThat(outcome.isIssued()).as(client.client().name()).isTrue();
            assertThat(TokenVerifier.verified(outcome.token().value(), node.jwks(TENANT))).isNotNull();
        }
        assertThat(created.clients().get(0).secret().reveal()).isNotEqualTo(created.clients().get(1).secret().reveal());
    }

    @Test
    void createWhenCalledThenBuiltinClientsGetBothBuiltinScopesAsAllowedAndDefault() {
        ProvisionedTenant created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        assertThat(created.clients()).allSatisfy(c -> {
            assertThat(c.client().allowedScopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
            assertThat(c.client().defaultScopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
            assertThat(c.client().enabled()).isTrue();
        });
    }

    @Test
    void createWhenCalledThenTheUsersApiAndAdminApiScopesDefined() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        assertThat(node.scopes.list(TENANT)).containsExactly(
                new ScopeDefinition(new ScopeName("admin:manage_admins"),
                        "Admin API: manage admins and their capabilities"),
                new ScopeDefinition(new ScopeName("admin:manage_client_credentials"),
                        "Admin API: manage client credentials"),
                new ScopeDefinition(new ScopeName("admin:manage_scopes"), "Admin API: define and delete scopes"),
                new ScopeDefinition(new ScopeName("admin:manage_users"), "Admin API: manage the user directory"),
                new ScopeDefinition(new ScopeName("admin:view_audit"), "Admin API: read the audit log"),
                new ScopeDefinition(new ScopeName("users:read"), "Read the tenant's user directory"),
                new ScopeDefinition(new ScopeName("users:write"), "Create, change and delete users"));
    }

    @Test
    void adminScopesWhenListedThenOnePerCapability() {
        assertThat(BuiltinScopes.ADMIN_API).extracting(ScopeDefinition::name)
                .containsExactly(Arrays.stream(Capability.values()).map(Capability::scope).toArray(ScopeName[]::new));
    }

    @Test
    void isBuiltinScopeWhenUsersOrAdminScopeThenTrueElseFalse() {
        assertThat(BuiltinScopes.contains(new ScopeName("users:read"))).isTrue();
        assertThat(BuiltinScopes.contains(new ScopeName("admin:manage_scopes"))).isTrue();
        assertThat(BuiltinScopes.contains(new ScopeName("orders:read"))).isFalse();
        assertThat(BuiltinScopes.contains(new ScopeName("admin:other"))).isFalse();
    }

    @Test
    void createWhenCalledThenACurrentAndANextKeyOfTheTenantsAlgorithm() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS.withSigningAlgorithm(SigningAlgorithm.RS256));

        List<SigningKey> keys = node.keys.list(TENANT);

        assertThat(keys).extracting(SigningKey::state).containsExactlyInAnyOrder(KeyState.CURRENT, KeyState.NEXT);
        assertThat(keys).extracting(SigningKey::algorithm).containsOnly(SigningAlgorithm.RS256);
        assertThat(node.jwks(TENANT).getKeys()).hasSize(2);
    }

    @Test
    void createWhenCalledThenTheTenantStoredWithItsSettingsAndCreationTime() {
        TenantSettings settings = TenantSettings.DEFAULTS.withAllowQueryCredentials(true);

        ProvisionedTenant created = node.tenants.create(TENANT, "Acme", settings);

        assertThat(created.tenant()).isEqualTo(new Tenant(TENANT, "Acme", settings, InMemoryInstallation.START));
        assertThat(node.tenants.get(TENANT)).isEqualTo(created.tenant());
        assertThat(node.tenants.list()).containsExactly(created.tenant());
    }

    @Test
    void createWhenTenantExistsThenConflict() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        assertThatThrownBy(() -> node.tenants.create(TENANT, "Acme again", TenantSettings.DEFAULTS))
                .isInstanceOf(AdminFailure.Conflict.class);
    }

    @Test
    void createWhenAfterATokenRequestForTheUnknownTenantThenTheCachedAbsenceIsDropped() {
        TokenService.Outcome before = node.issue(TENANT, "anyone", "anything");
        assertThat(before.refusal().reason()).isEqualTo(Reason.UNKNOWN_TENANT);

        ProvisionedTenant created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        ClientWithSecret client = created.clients().get(0);

        assertThat(node.issue(TENANT, client.client().clientId().value(), client.secret().reveal()).isIssued()).isTrue();
    }

    @Test
    void getWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> node.tenants.get(TENANT)).isInstanceOf(AdminFailure.NotFound.class)
                .hasMessage("no tenant 10001");
    }

    @Test
    void updateSettingsWhenCalledThenOnlyTheSettingsChange() {
        Tenant created = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).tenant();

        Tenant updated = node.tenants.updateSettings(TENANT, s -> s.withDefaultAudience("https://api.acme.example"));

        assertThat(updated).isEqualTo(created.withSettings(
                TenantSettings.DEFAULTS.withDefaultAudience("https://api.acme.example")));
        assertThat(node.tenants.get(TENANT)).isEqualTo(updated);
    }

    @Test
    void updateSettingsWhenTheDefaultAudienceThenItReachesTheNextToken() throws Exception {
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        node.issue(TENANT, client.client().clientId().value(), client.secret().reveal());

        node.tenants.updateSettings(TENANT, s -> s.withDefaultAudience("https://api.acme.example"));
        TokenService.Outcome outcome = node.issue(TENANT, client.client().clientId().value(), client.secret().reveal());

        assertThat(TokenVerifier.verified(outcome.token().value(), node.jwks(TENANT)).getJWTClaimsSet().getAudience())
                .containsExactly("https://api.acme.example");
    }

    @Test
    void updateSettingsWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> node.tenants.updateSettings(TENANT, s -> s)).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void scopeAdministrationWhenScopeDefinedTwiceThenDuplicate() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);

        assertThatThrownBy(() -> node.scopes.create(TENANT, new ScopeDefinition(new ScopeName("users:read"), "again")))
                .isInstanceOf(DuplicateException.class);
    }

    @Test
    void scopeAdministrationWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> node.scopes.create(TENANT, new ScopeDefinition(new ScopeName("a"), "")))
                .isInstanceOf(AdminFailure.NotFound.class).hasMessage("no tenant 10001");
        assertThatThrownBy(() -> node.scopes.list(TENANT)).isInstanceOf(AdminFailure.NotFound.class);
    }
}
