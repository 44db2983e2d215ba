package dev.tollgate.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.tollgate.core.InMemoryInstallation.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The client-credentials grant end to end over the in-memory store. */
class TokenServiceTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private InMemoryInstallation node;
    private ClientWithSecret defaultClient;

    @BeforeEach
    void provision() {
        node = new InMemoryInstallation();
        ProvisionedTenant tenant = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        defaultClient = tenant.clients().get(0);
    }

    @Test
    void tokenRequestWhenTenantUnknownThenInvalidRequestUnknownTenant() {
        TokenService.Outcome outcome = node.issue(TenantId.of("99999"), id(defaultClient), secret(defaultClient));

        assertThat(outcome.isIssued()).isFalse();
        assertThat(outcome.refusal()).isEqualTo(
                new TokenRefusal(OAuthErrorCode.INVALID_REQUEST, "unknown tenant", Reason.UNKNOWN_TENANT));
        assertThat(outcome.client()).isNull();
    }

    @Test
    void tokenRequestWhenCredentialsInQueryAndTenantSettingOffThenInvalidRequestNamingTheSetting() {
        TokenService.Outcome outcome = node.tokens.issue(
                request(TENANT, id(defaultClient), secret(defaultClient), null, List.of(), true));

        assertThat(outcome.isIssued()).isFalse();
        assertThat(outcome.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_REQUEST);
        assertThat(outcome.refusal().reason()).isEqualTo(Reason.QUERY_CREDENTIALS_DISABLED);
        assertThat(outcome.refusal().description())
                .contains("allow-query-credentials")
                .contains("RFC 6749 section 2.3.1")
                .contains("tollgate tenant set --tenant 10001 --allow-query-credentials=true");
        assertThat(outcome.refusal()).isEqualTo(TokenService.queryCredentialsRefusal(TENANT));
    }

    @Test
    void tokenRequestWhenCredentialsInQueryAndTenantSettingOffThenTheClientIsNotLookedUp() {
        int before = node.store.clientLookups.get();

        node.tokens.issue(request(TENANT, id(defaultClient), secret(defaultClient), null, List.of(), true));

        assertThat(node.store.clientLookups.get()).isEqualTo(before);
    }

    @Test
    void tokenRequestWhenCredentialsInQueryAndTenantSettingOnThenIssued() {
        node.tenants.updateSettings(TENANT, settings -> settings.withAllowQueryCredentials(true));

        TokenService.Outcome outcome = node.tokens.issue(
                request(TENANT, id(defaultClient), secret(defaultClient), null, List.of(), true));

        assertThat(outcome.isIssued()).isTrue();
        assertThat(outcome.refusal()).isNull();
    }

    @Test
    void tokenRequestWhenClientIdHasNulThenInvalidClientWithoutTouchingTheStore() {
        int before = node.store.clientLookups.get();

        TokenService.Outcome outcome = node.issue(TENANT, "billing\u0000service", secret(defaultClient));

        assertThat(outcome.refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        assertThat(outcome.refusal().error().code()).isEqualTo("invalid_client");
        assertThat(outcome.client()).isNull();
        assertThat(node.store.clientLookups.get()).isEqualTo(before);
    }

    @Test
    void tokenRequestWhenClientIdMissingThenInvalidClientWithoutTouchingTheStore() {
        int before = node.store.clientLookups.get();

        TokenService.Outcome outcome = node.issue(TENANT, null, secret(defaultClient));

        assertThat(outcome.refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        assertThat(node.store.clientLookups.get()).isEqualTo(before);
    }

    @Test
    void tokenRequestWhenClientUnknownThenInvalidClientUnknownClient() {
        TokenService.Outcome outcome = node.issue(TENANT, "no-such-client", secret(defaultClient));

        assertThat(outcome.refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
    }

    @Test
    void tokenRequestWhenClientOfAnotherTenantThenInvalidClientUnknownClient() {
        ProvisionedTenant other = node.tenants.create(TenantId.of("10002"), "Other", TenantSettings.DEFAULTS);
        ClientWithSecret foreign = other.clients().get(0);

        TokenService.Outcome outcome = node.issue(TENANT, id(foreign), secret(foreign));

        assertThat(outcome.refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        assertThat(outcome.client()).isNull();
    }

    @Test
    void tokenRequestWhenWrongSecretThenInvalidClientWrongSecretAndTheClientIsReported() {
        TokenService.Outcome outcome = node.issue(TENANT, id(defaultClient), "not-the-secret");

        assertThat(outcome.refusal()).isEqualTo(TokenRefusal.invalidClient(Reason.WRONG_SECRET));
        assertThat(outcome.client().clientId()).isEqualTo(defaultClient.client().clientId());
    }

    @Test
    void tokenRequestWhenTheDefaultClientThenTokenSignedByTheCurrentKey() throws Exception {
        TokenService.Outcome outcome = node.issue(TENANT, id(defaultClient), secret(defaultClient));

        assertThat(outcome.isIssued()).isTrue();
        assertThat(outcome.refusal()).isNull();
        assertThat(outcome.client().clientId()).isEqualTo(defaultClient.client().clientId());
        var jwt = TokenVerifier.verified(outcome.token().value(), node.jwks(TENANT));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(node.directory.keyRing(TENANT).orElseThrow().current().kid());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://auth.tollgate.test/t/10001");
        assertThat(claims.getAudience()).containsExactly("https://auth.tollgate.test/t/10001/api");
        assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write");
        assertThat(claims.getStringClaim("customer_id")).isEqualTo("10001");
        assertThat(claims.getStringClaim("client_name")).isEqualTo("Default Client Credential");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(InMemoryInstallation.START);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(InMemoryInstallation.START.plusSeconds(3600));
    }

    @Test
    void tokenRequestWhenBasicAuthenticationThenIssued() {
        TokenService.Outcome outcome = node.tokens.issue(new TokenService.Request(TENANT,
                new PresentedCredentials(id(defaultClient), secret(defaultClient), ClientAuthMethod.CLIENT_SECRET_BASIC),
                null, List.of(), false));

        assertThat(outcome.isIssued()).isTrue();
    }

    @Test
    void tokenRequestWhenClientCreatedByAdministrationThenItsScopesAudiencesAuthoritiesAndLifetime() throws Exception {
        node.scopes.create(TENANT, new ScopeDefinition(new ScopeName("orders:read"), "Read orders"));
        ClientWithSecret created = node.clients.create(TENANT, new ClientSpec("Order sync",
                ScopeSet.of("orders:read", "users:read"), ScopeSet.of("orders:read"),
                List.of("https://orders.acme.example", "https://users.acme.example"), List.of("ROLE_SYNC"),
                Duration.ofSeconds(600)));

        TokenService.Outcome outcome = node.issue(TENANT, id(created), secret(created));

        assertThat(outcome.isIssued()).isTrue();
        JWTClaimsSet claims = TokenVerifier.verified(outcome.token().value(), node.jwks(TENANT)).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(id(created));
        assertThat(claims.getStringClaim("client_id")).isEqualTo(id(created));
        assertThat(claims.getStringClaim("client_name")).isEqualTo("Order sync");
        assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read");
        assertThat(claims.getAudience()).containsExactly("https://orders.acme.example", "https://users.acme.example");
        assertThat(claims.getStringListClaim("authorities")).containsExactly("ROLE_SYNC");
        assertThat(outcome.token().lifetime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(outcome.token().expiresAt()).isEqualTo(InMemoryInstallation.START.plusSeconds(600));
    }

    @Test
    void tokenRequestWhenScopeNotAllowedThenInvalidScope() {
        TokenService.Outcome outcome = node.tokens.issue(request(TENANT, id(defaultClient), secret(defaultClient),
                ScopeSet.of("users:read", "admin:all"), List.of(), false));

        assertThat(outcome.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_SCOPE,
                "requested scope is not allowed for this client", Reason.SCOPE_NOT_ALLOWED));
        assertThat(outcome.client()).isNotNull();
    }

    @Test
    void tokenRequestWhenRequestedScopeAllowedThenExactlyThatScope() {
        TokenService.Outcome outcome = node.tokens.issue(request(TENANT, id(defaultClient), secret(defaultClient),
                ScopeSet.of("users:read"), List.of(), false));

        assertThat(outcome.token().scopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void tokenRequestWhenResourceNotAllowedThenInvalidTarget() {
        TokenService.Outcome outcome = node.tokens.issue(request(TENANT, id(defaultClient), secret(defaultClient),
                null, List.of("https://evil.example"), false));

        assertThat(outcome.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_TARGET,
                "resource is not an allowed audience for this client", Reason.AUDIENCE_NOT_ALLOWED));
    }

    @Test
    void tokenRequestWhenTenantHasNoSigningKeysThenTemporarilyUnavailable() {
        TenantId bare = TenantId.of("bare");
        node.store.tenants().insert(new Tenant(bare, "Bare", TenantSettings.DEFAULTS, InMemoryInstallation.START));
        node.store.scopes().insert(bare, new ScopeDefinition(new ScopeName("users:read"), ""));
        ClientWithSecret client = node.clients.create(bare, ClientSpec.named("Bare client", ScopeSet.of("users:read")));

        TokenService.Outcome outcome = node.issue(bare, id(client), secret(client));

        assertThat(outcome.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.TEMPORARILY_UNAVAILABLE,
                "tenant has no signing key", Reason.SIGNING_UNAVAILABLE));
    }

    @Test
    void tokenRequestWhenClientDisabledThenInvalidClientDisabled() {
        node.clients.setEnabled(TENANT, defaultClient.client().clientId(), false);

        TokenService.Outcome outcome = node.issue(TENANT, id(defaultClient), secret(defaultClient));

        assertThat(outcome.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                Reason.CLIENT_DISABLED));
    }

    @Test
    void tokenRequestWhenClientReenabledThenIssuedAgain() {
        node.clients.setEnabled(TENANT, defaultClient.client().clientId(), false);
        node.clients.setEnabled(TENANT, defaultClient.client().clientId(), true);

        assertThat(node.issue(TENANT, id(defaultClient), secret(defaultClient)).isIssued()).isTrue();
    }

    @Test
    void tokenRequestWhenScopesChangedThenTheNewDefaults() {
        node.clients.setScopes(TENANT, defaultClient.client().clientId(), ScopeSet.of("users:read"), null);

        TokenService.Outcome outcome = node.issue(TENANT, id(defaultClient), secret(defaultClient));

        assertThat(outcome.token().scopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void tokenRequestWhenTwiceForTheSameClientThenDifferentJtis() {
        TokenService.Outcome first = node.issue(TENANT, id(defaultClient), secret(defaultClient));
        TokenService.Outcome second = node.issue(TENANT, id(defaultClient), secret(defaultClient));

        assertThat(first.token().jti()).isNotEqualTo(second.token().jti());
    }

    @Test
    void tokenRequestWhenClientRequiresDpopAndNoProofThenInvalidDpopProofAndWithAProofThenBoundToItsKey()
            throws Exception {
        ClientWithSecret bound = node.clients.create(TENANT, new ClientSpec("Bound", ScopeSet.of("users:read"), null,
                null, null, null, false, true));
        TokenService.Request plain = request(TENANT, id(bound), secret(bound), null, List.of(), false);

        TokenService.Outcome without = node.tokens.issue(plain);
        TokenService.Outcome with = node.tokens.issue(plain.withDpopJkt("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));

        assertThat(without.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_DPOP_PROOF);
        assertThat(without.refusal().reason()).isEqualTo(Reason.DPOP_REQUIRED);
        assertThat(with.token().tokenType()).isEqualTo("DPoP");
        JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(with.token().value()).getJWTClaimsSet();
        assertThat(claims.getJSONObjectClaim("cnf")).containsExactly(
                java.util.Map.entry("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
    }

    @Test
    void tokenRequestWhenDpopProofAndBoundCertificateThenOneCnfWithBothThumbprints() throws Exception {
        // RFC 7800 §3.1: one cnf object; a DPoP key (RFC 9449 §6.1) and a TLS certificate (RFC 8705 §3.1) side by side.
        ClientWithSecret bound = node.clients.create(TENANT, new ClientSpec("Both", ScopeSet.of("users:read"), null,
                null, null, null, false, null, null, new ClientTls(null, null, true), false));
        TokenService.Request plain = request(TENANT, id(bound), secret(bound), null, List.of(), false);
        TokenService.Request withCertificate = new TokenService.Request(plain.tenant(),
                plain.credentials().withCertificates(List.of(CertificateAuthenticatorTest.SELF_A)),
                plain.requestedScopes(), plain.resources(), plain.queryCredentials(), null);

        TokenService.Outcome outcome = node.tokens.issue(
                withCertificate.withDpopJkt("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));

        assertThat(outcome.token().tokenType()).isEqualTo("DPoP");
        JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(outcome.token().value()).getJWTClaimsSet();
        assertThat(claims.getJSONObjectClaim("cnf")).containsOnly(
                java.util.Map.entry("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"),
                java.util.Map.entry("x5t#S256", Confirmation.thumbprint(CertificateAuthenticatorTest.SELF_A)));
    }

    @Test
    void tokenRequestWhenClientDoesNotRequireDpopThenBearerWithoutCnf() throws Exception {
        TokenService.Outcome outcome = node.issue(TENANT, id(defaultClient), secret(defaultClient));

        assertThat(outcome.token().tokenType()).isEqualTo("Bearer");
        assertThat(com.nimbusds.jwt.SignedJWT.parse(outcome.token().value()).getJWTClaimsSet().getClaim("cnf")).isNull();
    }

    private static String id(ClientWithSecret client) {
        return client.client().clientId().value();
    }

    private static String secret(ClientWithSecret client) {
        return client.secret().reveal();
    }
}
