package dev.tollgate.core.admin;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.core.token.TokenService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAdministrationTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private InMemoryInstallation node;
    private ClientWithSecret custom;

    @BeforeEach
    void provision() {
        node = new InMemoryInstallation();
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        custom = node.clients.create(TENANT, ClientSpec.named("Billing service", ScopeSet.of("users:read")));
    }

    @Test
    void createWhenClientCreatedThenEnabledWithOneSecretStoredOnlyAsItsHash() {
        ClientCredential stored = node.clients.get(TENANT, custom.client().clientId());

        assertThat(stored).isEqualTo(custom.client());
        assertThat(stored.enabled()).isTrue();
        assertThat(stored.isBuiltin()).isFalse();
        assertThat(stored.secrets()).singleElement().satisfies(secret -> {
            assertThat(secret.expiresAt()).isNull();
            assertThat(secret.hash().encoded()).doesNotContain(custom.secret().reveal());
            assertThat(node.hasher.matches(custom.secret().reveal(), secret.hash())).isTrue();
        });
        assertThat(stored.createdAt()).isEqualTo(InMemoryInstallation.START);
    }

    @Test
    void createWhenDefaultScopesOmittedThenTheyAreTheAllowedScopes() {
        assertThat(custom.client().defaultScopes()).isEqualTo(ScopeSet.of("users:read"));
        assertThat(custom.client().tokenTtl()).isEqualTo(ClientCredential.DEFAULT_TOKEN_TTL);
    }

    @Test
    void createWhenScopeNotDefinedInTheTenantThenRefused() {
        assertThatThrownBy(() -> node.clients.create(TENANT, ClientSpec.named("X", ScopeSet.of("orders:read"))))
                .isInstanceOf(AdminFailure.Invalid.class)
                .hasMessage("allowed scopes include orders:read, which the tenant does not define");
    }

    @Test
    void createWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> node.clients.create(TenantId.of("99999"), ClientSpec.named("X", ScopeSet.EMPTY)))
                .isInstanceOf(AdminFailure.NotFound.class).hasMessage("no tenant 99999");
    }

    @Test
    void createWhenValueInvalidThenRefusedByTheCredential() {
        ClientSpec tooShortLived = new ClientSpec("X", ScopeSet.EMPTY, null, null, null, Duration.ofSeconds(10));

        assertThatThrownBy(() -> node.clients.create(TENANT, tooShortLived))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token lifetime must be between 60 and 86400 seconds");
    }

    @Test
    void getWhenClientBelongsToAnotherTenantThenNotFound() {
        node.tenants.create(TenantId.of("10002"), "Other", TenantSettings.DEFAULTS);

        assertThatThrownBy(() -> node.clients.get(TenantId.of("10002"), custom.client().clientId()))
                .isInstanceOf(AdminFailure.NotFound.class)
                .hasMessage("no client " + custom.client().clientId() + " in tenant 10002");
    }

    @Test
    void listWhenACustomClientExistsThenTheBuiltinsThenTheCustomClient() {
        assertThat(node.clients.list(TENANT)).extracting(ClientCredential::name)
                .contains("Default Client Credential", "microservice-communication-key", "Billing service")
                .hasSize(3);
    }

    @Test
    void rotateSecretWhenOverlapThenOldSecretWorksUntilTheOverlapEndsAndNewSecretWorks() {
        String old = custom.secret().reveal();
        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1));
        String fresh = rotated.secret().reveal();

        assertThat(fresh).isNotEqualTo(old);
        assertThat(issue(old).isIssued()).isTrue();
        assertThat(issue(fresh).isIssued()).isTrue();

        node.clock.advance(Duration.ofHours(1).minusSeconds(1));
        assertThat(issue(old).isIssued()).isTrue();

        node.clock.advance(Duration.ofSeconds(1));
        assertThat(issue(old).refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.WRONG_SECRET));
        assertThat(issue(fresh).isIssued()).isTrue();
    }

    @Test
    void rotateSecretWhenOverlapThenThePreviousSecretCarriesTheEndOfTheOverlap() {
        Instant now = node.clock.instant();

        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1));

        assertThat(rotated.client().secrets()).hasSize(2);
        assertThat(rotated.client().secrets()).extracting(StoredSecret::expiresAt)
                .containsExactly(now.plus(Duration.ofHours(1)), null);
        assertThat(node.clients.get(TENANT, custom.client().clientId())).isEqualTo(rotated.client());
    }

    @Test
    void rotateSecretWhenZeroOverlapThenOldSecretFailsAtOnce() {
        String old = custom.secret().reveal();

        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ZERO);

        assertThat(rotated.client().secrets()).hasSize(1);
        assertThat(issue(old).refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.WRONG_SECRET));
        assertThat(issue(rotated.secret().reveal()).isIssued()).isTrue();
    }

    @Test
    void rotateSecretWhenTwiceThenTheFirstSecretStopsAndTheSecondOverlapsTheThird() {
        String first = custom.secret().reveal();
        node.clock.advance(Duration.ofMinutes(1));
        String second = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1))
                .secret().reveal();
        node.clock.advance(Duration.ofMinutes(1));
        String third = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1))
                .secret().reveal();

        assertThat(issue(first).refusal().reason()).isEqualTo(Reason.WRONG_SECRET);
        assertThat(issue(second).isIssued()).isTrue();
        assertThat(issue(third).isIssued()).isTrue();
        assertThat(node.clients.get(TENANT, custom.client().clientId()).secrets()).hasSize(2);
    }

    // Regression: two rotations in one clock tick (always so under a fixed clock) once kept the older
    // secret, because "newest" was decided by createdAt and ties went to the first.
    @Test
    void rotateSecretWhenTwiceAtTheSameInstantThenTheSecretsHandedOutLastStillWork() {
        String first = custom.secret().reveal();
        String second = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1))
                .secret().reveal();
        String third = node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofHours(1))
                .secret().reveal();

        assertThat(issue(third).isIssued()).isTrue();
        assertThat(issue(second).isIssued()).as("the secret handed out by the previous rotation").isTrue();
        assertThat(issue(first).isIssued()).as("the secret two rotations ago").isFalse();
    }

    @Test
    void rotateSecretWhenOverlapNegativeThenRefused() {
        assertThatThrownBy(() -> node.clients.rotateSecret(TENANT, custom.client().clientId(), Duration.ofSeconds(-1)))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("overlap seconds must not be negative");
    }

    @Test
    void rotateSecretWhenClientUnknownThenNotFound() {
        assertThatThrownBy(() -> node.clients.rotateSecret(TENANT, new ClientId("nobody"), Duration.ZERO))
                .isInstanceOf(AdminFailure.NotFound.class).hasMessage("no client nobody in tenant 10001");
    }

    @Test
    void rotationOverlapWhenDefaultThenOneDay() {
        assertThat(ClientOperations.DEFAULT_ROTATION_OVERLAP).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void setEnabledWhenFalseThenInvalidClientDisabledAndWhenTrueThenIssued() {
        node.clients.setEnabled(TENANT, custom.client().clientId(), false);
        assertThat(issue(custom.secret().reveal()).refusal().reason()).isEqualTo(Reason.CLIENT_DISABLED);

        node.clients.setEnabled(TENANT, custom.client().clientId(), true);
        assertThat(issue(custom.secret().reveal()).isIssued()).isTrue();
    }

    @Test
    void setScopesWhenScopeNotDefinedThenRefusedAndNothingChanges() {
        assertThatThrownBy(() -> node.clients.setScopes(TENANT, custom.client().clientId(), ScopeSet.of("admin"), null))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("allowed scopes include admin, which the tenant does not define");
        assertThat(node.clients.get(TENANT, custom.client().clientId()).allowedScopes())
                .isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void setScopesWhenDefaultsNullThenDefaultsAreTheAllowed() {
        ClientCredential updated = node.clients.setScopes(TENANT, custom.client().clientId(),
                ScopeSet.of("users:read", "users:write"), null);

        assertThat(updated.defaultScopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
        assertThat(issue(custom.secret().reveal()).token().scopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
    }

    @Test
    void deleteWhenBuiltinClientThenRefusedAndItKeepsWorking() {
        ClientId builtin = node.clients.list(TENANT).stream()
                .filter(c -> c.builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow().clientId();

        assertThatThrownBy(() -> node.clients.delete(TENANT, builtin))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("'Default Client Credential' is a default credential: rotate or disable it instead");
        assertThat(node.clients.get(TENANT, builtin).builtin()).isEqualTo(BuiltinClient.DEFAULT);
    }

    @Test
    void deleteWhenTheMicroserviceClientThenRefused() {
        ClientId microservice = node.clients.list(TENANT).stream()
                .filter(c -> c.builtin() == BuiltinClient.MICROSERVICE).findFirst().orElseThrow().clientId();

        assertThatThrownBy(() -> node.clients.delete(TENANT, microservice))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("'microservice-communication-key' is a default credential: rotate or disable it instead");
    }

    @Test
    void deleteWhenACustomClientThenItsTokenRequestsAreUnknownClient() {
        assertThat(issue(custom.secret().reveal()).isIssued()).isTrue();

        node.clients.delete(TENANT, custom.client().clientId());

        assertThat(issue(custom.secret().reveal()).refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        assertThatThrownBy(() -> node.clients.get(TENANT, custom.client().clientId()))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void rotateSecretWhenBuiltinClientThenAllowed() {
        ClientId builtin = node.clients.list(TENANT).get(0).clientId();

        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, builtin, Duration.ZERO);

        assertThat(node.issue(TENANT, builtin.value(), rotated.secret().reveal()).isIssued()).isTrue();
    }

    private TokenService.Outcome issue(String secret) {
        return node.issue(TENANT, custom.client().clientId().value(), secret);
    }
}
