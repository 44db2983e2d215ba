package dev.tollgate.core.cache;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import dev.tollgate.core.token.TokenService;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The token path reads through the directory; administrative changes reach it through the listener glue. */
class DirectoryTest {

    private static final TenantId TENANT = TenantId.of("10001");

    @Test
    void clientWhenKnownThenLoadedOnceThenServedFromTheCache() {
        InMemoryInstallation node = new InMemoryInstallation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        int before = node.store.clientLookups.get();

        for (int i = 0; i < 5; i++) {
            assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();
        }

        assertThat(node.store.clientLookups.get() - before).isEqualTo(1);
    }

    @Test
    void clientWhenUnknownIdThenLookedUpOnceThenItsAbsenceIsCached() {
        InMemoryInstallation node = new InMemoryInstallation();
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        int before = node.store.clientLookups.get();

        for (int i = 0; i < 5; i++) {
            assertThat(node.issue(TENANT, "made-up-id", "x").refusal().reason()).isEqualTo(Reason.UNKNOWN_CLIENT);
        }

        assertThat(node.store.clientLookups.get() - before).isEqualTo(1);
    }

    @Test
    void tenantWhenUnknownThenLookedUpOnceThenItsAbsenceIsCached() {
        InMemoryInstallation node = new InMemoryInstallation();
        int before = node.store.tenantLookups.get();

        for (int i = 0; i < 5; i++) {
            assertThat(node.issue(TENANT, "anyone", "x").refusal().reason()).isEqualTo(Reason.UNKNOWN_TENANT);
        }

        assertThat(node.store.tenantLookups.get() - before).isEqualTo(1);
    }

    @Test
    void clientWhenDisabledWithoutInvalidationThenStillServedFromTheCache() {
        InMemoryInstallation node = InMemoryInstallation.withoutInvalidation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();

        node.clients.setEnabled(TENANT, client.client().clientId(), false);

        // This is why the server wires a ChangeListener to the directory.
        assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();
        node.directory.invalidateClient(TENANT, client.client().clientId());
        assertThat(issue(node, client, client.secret().reveal()).refusal().reason()).isEqualTo(Reason.CLIENT_DISABLED);
    }

    @Test
    void clientWhenDisabledWithTheListenerGlueThenRefusedAtOnce() {
        InMemoryInstallation node = new InMemoryInstallation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();

        node.clients.setEnabled(TENANT, client.client().clientId(), false);

        assertThat(issue(node, client, client.secret().reveal()).refusal().reason()).isEqualTo(Reason.CLIENT_DISABLED);
    }

    @Test
    void secretWhenRotatedWithTheListenerGlueThenWorksAtOnce() {
        InMemoryInstallation node = new InMemoryInstallation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();

        ClientWithSecret rotated = node.clients.rotateSecret(TENANT, client.client().clientId(), Duration.ZERO);

        assertThat(issue(node, client, rotated.secret().reveal()).isIssued()).isTrue();
        assertThat(issue(node, client, client.secret().reveal()).refusal().reason()).isEqualTo(Reason.WRONG_SECRET);
    }

    @Test
    void tenantSettingWhenChangedWithTheListenerGlueThenAppliesToTheNextRequest() {
        InMemoryInstallation node = new InMemoryInstallation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        TokenService.Request inQuery = InMemoryInstallation.request(TENANT, client.client().clientId().value(),
                client.secret().reveal(), null, java.util.List.of(), true);
        assertThat(node.tokens.issue(inQuery).refusal().reason()).isEqualTo(Reason.QUERY_CREDENTIALS_DISABLED);

        node.tenants.updateSettings(TENANT, s -> s.withAllowQueryCredentials(true));

        assertThat(node.tokens.issue(inQuery).isIssued()).isTrue();
    }

    @Test
    void keyRotationWhenWithoutInvalidationThenKeepsSigningWithTheCachedRing() {
        InMemoryInstallation node = InMemoryInstallation.withoutInvalidation();
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        String cachedKid = node.directory.keyRing(TENANT).orElseThrow().current().kid();
        node.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        node.keys.rotate(TENANT);

        assertThat(node.directory.keyRing(TENANT).orElseThrow().current().kid()).isEqualTo(cachedKid);
        node.directory.invalidateKeys(TENANT);
        assertThat(node.directory.keyRing(TENANT).orElseThrow().current().kid()).isNotEqualTo(cachedKid);
    }

    @Test
    void keyRingWhenTenantHasNoKeysThenEmpty() {
        InMemoryInstallation node = new InMemoryInstallation();

        assertThat(node.directory.keyRing(TENANT)).isEmpty();
        assertThat(node.directory.client(TENANT, new ClientId("nobody"))).isEmpty();
        assertThat(node.directory.tenant(TENANT)).isEmpty();
    }

    @Test
    void everythingChangedWhenToldThenTheNextRequestSeesAChangeMadeBehindTheCachesBack() {
        InMemoryInstallation node = InMemoryInstallation.withoutInvalidation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        assertThat(issue(node, client, client.secret().reveal()).isIssued()).isTrue();
        node.clients.setEnabled(TENANT, client.client().clientId(), false);

        new DirectoryInvalidation(node.directory, node.revocations).everythingChanged();

        assertThat(issue(node, client, client.secret().reveal()).refusal().reason()).isEqualTo(Reason.CLIENT_DISABLED);
    }

    @Test
    void revocationsChangedWhenToldThenATokenRevokedByAnotherProcessIsRevokedHere() {
        InMemoryInstallation node = new InMemoryInstallation();
        ClientWithSecret client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        Revocations otherProcess = new Revocations(node.store, node.clock);
        otherProcess.revokeToken(TENANT, client.client().clientId(), "jti-1", node.clock.instant().plusSeconds(60));
        assertThat(node.revocations.isRevoked(TENANT, client.client().clientId(), "jti-1", node.clock.instant()))
                .isFalse();

        new DirectoryInvalidation(node.directory, node.revocations).revocationsChanged();

        assertThat(node.revocations.isRevoked(TENANT, client.client().clientId(), "jti-1", node.clock.instant()))
                .isTrue();
    }

    private static TokenService.Outcome issue(InMemoryInstallation node, ClientWithSecret client, String secret) {
        return node.issue(TENANT, client.client().clientId().value(), secret);
    }
}
