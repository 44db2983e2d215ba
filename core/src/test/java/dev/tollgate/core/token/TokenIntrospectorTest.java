package dev.tollgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.RevokedToken;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which strings are active tokens of a tenant, over the in-memory store. */
class TokenIntrospectorTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final TenantId OTHER = TenantId.of("20002");

    private InMemoryInstallation node;
    private ClientWithSecret client;
    private ClientWithSecret otherClient;

    @BeforeEach
    void provision() {
        node = new InMemoryInstallation();
        var tenant = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        client = tenant.clients().get(0);
        otherClient = tenant.clients().get(1);
        node.tenants.create(OTHER, "Other", TenantSettings.DEFAULTS);
    }

    private IssuedToken issue(ClientWithSecret c) {
        TokenService.Outcome outcome = node.issue(TENANT, c.client().clientId().value(), c.secret().reveal());
        assertThat(outcome.isIssued()).as("%s", outcome.refusal()).isTrue();
        return outcome.token();
    }

    @Test
    void introspectWhenFreshTokenThenActiveWithItsClaims() {
        IssuedToken token = issue(client);

        var active = node.introspector.inspect(TENANT, token.value()).orElseThrow();

        assertThat(active.jti()).isEqualTo(token.jti());
        assertThat(active.clientId()).isEqualTo(client.client().clientId());
        assertThat(active.expiresAt()).isEqualTo(token.expiresAt());
        assertThat(active.issuedAt()).isEqualTo(InMemoryInstallation.START);
        assertThat(active.claims().getIssuer()).isEqualTo(InMemoryInstallation.issuer(TENANT));
    }

    @Test
    void introspectWhenTokenAtItsExpiryThenNotActive() {
        IssuedToken token = issue(client);

        node.clock.set(token.expiresAt());

        assertThat(node.introspector.inspect(TENANT, token.value())).isEmpty();
    }

    @Test
    void introspectWhenTokenOfAnotherTenantThenNotActive() {
        assertThat(node.introspector.inspect(OTHER, issue(client).value())).isEmpty();
    }

    @Test
    void introspectWhenJtiRevokedThenNotActiveAndOtherTokensOfTheClientStayActive() {
        IssuedToken revoked = issue(client);
        IssuedToken kept = issue(client);

        node.revocations.revokeToken(TENANT, client.client().clientId(), revoked.jti(), revoked.expiresAt());

        assertThat(node.introspector.inspect(TENANT, revoked.value())).isEmpty();
        assertThat(node.introspector.inspect(TENANT, kept.value())).isPresent();
    }

    @Test
    void introspectWhenClientWideRevocationThenEarlierTokensOfThatClientOnlyEnd() {
        IssuedToken before = issue(client);
        IssuedToken otherClientsToken = issue(otherClient);

        node.revocations.revokeAllTokens(TENANT, client.client().clientId());
        node.clock.advance(Duration.ofSeconds(1));
        IssuedToken after = issue(client);

        assertThat(node.introspector.inspect(TENANT, before.value())).isEmpty();
        assertThat(node.introspector.inspect(TENANT, after.value())).isPresent();
        assertThat(node.introspector.inspect(TENANT, otherClientsToken.value())).isPresent();
    }

    @Test
    void introspectWhenTheClientIsDisabledThenNotActiveAndWhenEnabledAgainActive() {
        IssuedToken token = issue(client);
        IssuedToken otherClientsToken = issue(otherClient);

        // The plain administration, without the cutoff AdminOperations writes: only the client's state says no.
        node.clients.setEnabled(TENANT, client.client().clientId(), false);

        assertThat(node.introspector.inspect(TENANT, token.value())).isEmpty();
        assertThat(node.introspector.inspect(TENANT, otherClientsToken.value())).isPresent();
        node.clients.setEnabled(TENANT, client.client().clientId(), true);
        assertThat(node.introspector.inspect(TENANT, token.value())).isPresent();
    }

    @Test
    void introspectWhenTheClientIsDeletedThenNotActive() {
        ClientWithSecret created = node.clients.create(TENANT, ClientSpec.named("Billing", ScopeSet.of("users:read")));
        IssuedToken token = issue(created);

        node.clients.delete(TENANT, created.client().clientId());

        assertThat(node.introspector.inspect(TENANT, token.value())).isEmpty();
    }

    @Test
    void clientWideRevocationWhenUnknownClientThenNotFound() {
        assertThatThrownBy(() -> node.revocations.revokeAllTokens(TENANT, new ClientId("no-such-client")))
                .isInstanceOf(AdminFailure.NotFound.class);
        assertThatThrownBy(() -> node.revocations.revokeAllTokens(OTHER, client.client().clientId()))
                .isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void introspectWhenRevocationWrittenByAnotherProcessThenSeenAfterARefresh() {
        IssuedToken token = issue(client);
        node.store.revocations().insert(new RevokedToken(TENANT, client.client().clientId(), token.jti(),
                token.expiresAt()));
        assertThat(node.introspector.inspect(TENANT, token.value())).isPresent();

        node.revocations.refresh();

        assertThat(node.introspector.inspect(TENANT, token.value())).isEmpty();
    }

    @Test
    void pruneWhenEntriesExpiredThenDeletedFromTheStore() {
        IssuedToken token = issue(client);
        node.revocations.revokeToken(TENANT, client.client().clientId(), token.jti(), token.expiresAt());
        ClientTokenCutoff cutoff = node.revocations.revokeAllTokens(TENANT, otherClient.client().clientId());

        node.clock.set(token.expiresAt());
        assertThat(node.revocations.prune()).isEqualTo(1);
        assertThat(node.store.revocations().listTokens(node.clock.instant())).isEmpty();
        assertThat(node.store.revocations().listCutoffs(node.clock.instant())).containsExactly(cutoff);

        node.clock.set(cutoff.keepUntil());
        assertThat(node.revocations.prune()).isEqualTo(1);
        assertThat(node.store.revocations().listCutoffs(node.clock.instant())).isEmpty();
    }

    @Test
    void introspectWhenGarbageThenNotActive() {
        for (String garbage : new String[]{"", "garbage", "a.b.c", "x".repeat(TokenIntrospector.MAX_TOKEN_LENGTH + 1)}) {
            assertThat(node.introspector.inspect(TENANT, garbage)).as(garbage).isEmpty();
        }
        assertThat(node.introspector.inspect(TENANT, null)).isEmpty();
    }

    @Test
    void introspectWhenTamperedPayloadThenNotActive() throws Exception {
        SignedJWT genuine = SignedJWT.parse(issue(client).value());
        JWTClaimsSet widened = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).claim("scope", "admin").build();
        String[] parts = genuine.serialize().split("\\.");
        String forged = parts[0] + "." + widened.toPayload().toBase64URL() + "." + parts[2];

        assertThat(node.introspector.inspect(TENANT, forged)).isEmpty();
    }

    @Test
    void introspectWhenUnsignedOrSymmetricallySignedWithOurClaimsThenNotActive() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(issue(client).value()).getJWTClaimsSet();
        String kid = node.directory.keyRing(TENANT).orElseThrow().current().kid();
        String none = new PlainJWT(new PlainHeader.Builder().type(SigningKeyRing.ACCESS_TOKEN_TYPE).build(), claims)
                .serialize();
        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid)
                .type(SigningKeyRing.ACCESS_TOKEN_TYPE).build(), claims);
        hs256.sign(new MACSigner(new byte[32]));

        assertThat(node.introspector.inspect(TENANT, none)).isEmpty();
        assertThat(node.introspector.inspect(TENANT, hs256.serialize())).isEmpty();
    }

    @Test
    void introspectWhenSignedWithOurKeyButWithoutTheAccessTokenTypeThenNotActive() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder(SignedJWT.parse(issue(client).value()).getJWTClaimsSet())
                .expirationTime(Date.from(node.clock.instant().plusSeconds(60))).build();
        SigningKeyRing ring = node.directory.keyRing(TENANT).orElseThrow();
        SignedJWT untyped = new SignedJWT(new JWSHeader.Builder(ring.current().algorithm().jwsAlgorithm())
                .keyID(ring.current().kid()).build(), claims);
        untyped.sign(ring.signer());

        assertThat(node.introspector.inspect(TENANT, untyped.serialize())).isEmpty();
    }
}
