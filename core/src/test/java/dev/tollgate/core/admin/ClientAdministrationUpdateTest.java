package dev.tollgate.core.admin;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ClientAdministration#update} and {@link ClientAdministration#revokePreviousSecret}. */
class ClientAdministrationUpdateTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private InMemoryInstallation node;
    private ClientWithSecret custom;

    @BeforeEach
    void provision() {
        node = new InMemoryInstallation();
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        node.scopes.create(TENANT, new ScopeDefinition(new ScopeName("orders:read"), "Read orders"));
        custom = node.clients.create(TENANT, new ClientSpec("Billing service",
                ScopeSet.of("users:read", "users:write"), ScopeSet.of("users:read", "users:write"),
                List.of("https://api.example"), List.of("ROLE_A"), Duration.ofMinutes(10)));
    }

    private ClientId id() {
        return custom.client().clientId();
    }

    @Test
    void updateWhenEveryFieldNullThenOnlyTheUpdateTimeChanges() {
        node.clock.advance(Duration.ofMinutes(1));

        ClientCredential updated = node.clients.update(TENANT, id(),
                new ClientUpdate(null, null, null, null, null, null, null));

        assertThat(updated).isEqualTo(new ClientCredential(TENANT, id(), "Billing service",
                custom.client().allowedScopes(), custom.client().defaultScopes(), custom.client().audiences(),
                custom.client().authorities(), custom.client().tokenTtl(), custom.client().authMethods(), true, false, null,
                custom.client().secrets(), custom.client().createdAt(), node.clock.instant()));
        assertThat(node.clients.get(TENANT, id())).isEqualTo(updated);
    }

    @Test
    void updateWhenFieldsGivenThenEveryGivenFieldChanges() {
        ClientCredential updated = node.clients.update(TENANT, id(), new ClientUpdate("Billing v2",
                ScopeSet.of("orders:read", "users:read"), ScopeSet.of("orders:read"), List.of("https://b.example"),
                List.of(), Duration.ofHours(2), false));

        assertThat(updated.name()).isEqualTo("Billing v2");
        assertThat(updated.allowedScopes()).isEqualTo(ScopeSet.of("orders:read", "users:read"));
        assertThat(updated.defaultScopes()).isEqualTo(ScopeSet.of("orders:read"));
        assertThat(updated.audiences()).containsExactly("https://b.example");
        assertThat(updated.authorities()).isEmpty();
        assertThat(updated.tokenTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(updated.enabled()).isFalse();
        assertThat(updated.secrets()).isEqualTo(custom.client().secrets());
    }

    @Test
    void updateWhenAllowedScopesChangeAndDefaultsNotGivenThenDefaultsKeepWhatIsStillAllowed() {
        ClientCredential updated = node.clients.update(TENANT, id(), new ClientUpdate(null,
                ScopeSet.of("users:read", "orders:read"), null, null, null, null, null));

        assertThat(updated.defaultScopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void updateWhenAllowedScopeUndefinedThenInvalid() {
        assertThatThrownBy(() -> node.clients.update(TENANT, id(), new ClientUpdate(null,
                ScopeSet.of("payments:read"), null, null, null, null, null)))
                .isInstanceOf(AdminFailure.Invalid.class)
                .hasMessage("allowed scopes include payments:read, which the tenant does not define");
    }

    @Test
    void updateWhenDefaultsNotAllowedThenIllegalArgument() {
        assertThatThrownBy(() -> node.clients.update(TENANT, id(), new ClientUpdate(null, null,
                ScopeSet.of("orders:read"), null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default scopes must be a subset of allowed scopes");
    }

    @Test
    void updateWhenValueInvalidThenIllegalArgument() {
        assertThatThrownBy(() -> node.clients.update(TENANT, id(), new ClientUpdate(" ", null, null, null, null,
                null, null))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> node.clients.update(TENANT, id(), new ClientUpdate(null, null, null, null, null,
                Duration.ofSeconds(5), null))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void updateWhenDisabledThenTheNextTokenRequestIsRefusedAtOnce() {
        assertThat(node.issue(TENANT, id().value(), custom.secret().reveal()).isIssued()).isTrue();

        node.clients.update(TENANT, id(), new ClientUpdate(null, null, null, null, null, null, false));

        assertThat(node.issue(TENANT, id().value(), custom.secret().reveal()).isIssued()).isFalse();
    }

    @Test
    void updateWhenClientUnknownThenNotFound() {
        assertThatThrownBy(() -> node.clients.update(TENANT, new ClientId("nope"),
                new ClientUpdate("X", null, null, null, null, null, null))).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void revokePreviousSecretWhenAfterARotationThenOnlyTheNewSecretGetsTokens() {
        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, id(), Duration.ofHours(1));
        assertThat(node.issue(TENANT, id().value(), custom.secret().reveal()).isIssued()).isTrue();

        ClientCredential updated = node.clients.revokePreviousSecret(TENANT, id());

        assertThat(updated.secrets()).isEqualTo(List.of(rotated.client().secrets().get(1)));
        assertThat(node.issue(TENANT, id().value(), custom.secret().reveal()).isIssued()).isFalse();
        assertThat(node.issue(TENANT, id().value(), rotated.secret().reveal()).isIssued()).isTrue();
    }

    @Test
    void revokePreviousSecretWhenOnlyOneSecretThenUnchanged() {
        node.clock.advance(Duration.ofMinutes(1));

        ClientCredential unchanged = node.clients.revokePreviousSecret(TENANT, id());

        assertThat(unchanged).isEqualTo(custom.client());
    }

    @Test
    void revokePreviousSecretWhenClientUnknownThenNotFound() {
        assertThatThrownBy(() -> node.clients.revokePreviousSecret(TENANT, new ClientId("nope")))
                .isInstanceOf(AdminFailure.NotFound.class);
    }
}
