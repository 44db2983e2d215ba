package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenPolicyTest {

    private static final String ISSUER = "https://auth.acme.example/t/10001";
    private static final Tenant TENANT = new Tenant(TenantId.of("10001"), "Acme", TenantSettings.DEFAULTS,
            Instant.parse("2026-03-01T10:00:00Z"));

    private final TokenPolicy policy = new TokenPolicy();
    private final ClientCredential client = aClient()
            .allowed(ScopeSet.of("orders:read", "users:read", "users:write"))
            .defaults(ScopeSet.of("users:read"))
            .build();

    @Test
    void tokenRequestWhenScopeOmittedThenClientDefaults() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, null, List.of(), ISSUER);

        assertThat(decision.isGranted()).isTrue();
        assertThat(decision.refusal()).isNull();
        assertThat(decision.grant().scopes()).isEqualTo(ScopeSet.of("users:read"));
    }

    @Test
    void tokenRequestWhenScopeOmittedAndNoDefaultsThenInvalidScopeNoDefaultScope() {
        ClientCredential noDefaults = aClient().allowed(ScopeSet.of("users:read")).defaults(ScopeSet.EMPTY).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, noDefaults, null, List.of(), ISSUER);

        assertThat(decision.isGranted()).isFalse();
        assertThat(decision.grant()).isNull();
        assertThat(decision.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_SCOPE,
                "no scope requested and the client has no default scopes", Reason.NO_DEFAULT_SCOPE));
    }

    @Test
    void tokenRequestWhenRequestedScopesAreASubsetOfAllowedThenExactlyThose() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, ScopeSet.of("users:write", "orders:read"),
                List.of(), ISSUER);

        assertThat(decision.grant().scopes()).isEqualTo(ScopeSet.of("orders:read", "users:write"));
    }

    @Test
    void tokenRequestWhenRequestedScopesAreAllAllowedThenAll() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, client.allowedScopes(), List.of(), ISSUER);

        assertThat(decision.grant().scopes()).isEqualTo(client.allowedScopes());
    }

    @Test
    void tokenRequestWhenScopeNotAllowedThenInvalidScope() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, ScopeSet.of("users:read", "admin"), List.of(),
                ISSUER);

        assertThat(decision.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_SCOPE,
                "requested scope is not allowed for this client", Reason.SCOPE_NOT_ALLOWED));
    }

    @Test
    void tokenRequestWhenScopeNotAllowedAndResourceNotAllowedThenInvalidScopeFirst() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, ScopeSet.of("admin"),
                List.of("https://evil.example"), ISSUER);

        assertThat(decision.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_SCOPE);
    }

    @Test
    void tokenRequestWhenResourceIsAnAllowedAudienceThenAudienceIsThatResource() {
        ClientCredential withAudiences = aClient().audiences(List.of("https://a.example", "https://b.example")).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, withAudiences, null, List.of("https://b.example"), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly("https://b.example");
    }

    @Test
    void tokenRequestWhenResourceNotAllowedThenInvalidTarget() {
        ClientCredential withAudiences = aClient().audiences(List.of("https://a.example")).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, withAudiences, null, List.of("https://evil.example"),
                ISSUER);

        assertThat(decision.refusal()).isEqualTo(new TokenRefusal(OAuthErrorCode.INVALID_TARGET,
                "resource is not an allowed audience for this client", Reason.AUDIENCE_NOT_ALLOWED));
    }

    @Test
    void tokenRequestWhenOneOfSeveralResourcesNotAllowedThenInvalidTarget() {
        ClientCredential withAudiences = aClient().audiences(List.of("https://a.example", "https://b.example")).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, withAudiences, null,
                List.of("https://a.example", "https://c.example"), ISSUER);

        assertThat(decision.refusal().reason()).isEqualTo(Reason.AUDIENCE_NOT_ALLOWED);
        assertThat(decision.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_TARGET);
    }

    @Test
    void tokenRequestWhenSeveralAllowedResourcesThenAudienceIsAllOfThemOnceInRequestOrder() {
        ClientCredential withAudiences = aClient()
                .audiences(List.of("https://a.example", "https://b.example", "https://c.example")).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, withAudiences, null,
                List.of("https://c.example", "https://a.example", "https://c.example"), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly("https://c.example", "https://a.example");
    }

    @Test
    void tokenRequestWhenNoResourceAndClientHasAudiencesThenThoseAudiences() {
        ClientCredential withAudiences = aClient().audiences(List.of("https://a.example", "https://b.example")).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, withAudiences, null, List.of(), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void tokenRequestWhenNoResourceNoClientAudiencesAndTenantDefaultAudienceThenThatAudience() {
        Tenant tenant = TENANT.withSettings(TenantSettings.DEFAULTS.withDefaultAudience("https://api.acme.example"));

        TokenPolicy.Decision decision = policy.decide(tenant, client, null, List.of(), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly("https://api.acme.example");
    }

    @Test
    void tokenRequestWhenNoResourceNoClientAudiencesAndNoTenantSettingThenIssuerSlashApi() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, null, List.of(), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly("https://auth.acme.example/t/10001/api");
    }

    @Test
    void tokenRequestWhenResourceIsTheDefaultAudienceOfAClientWithoutAudiencesThenGranted() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, null, List.of(ISSUER + "/api"), ISSUER);

        assertThat(decision.grant().audiences()).containsExactly(ISSUER + "/api");
    }

    @Test
    void tokenRequestWhenResourceIsOtherThanTheDefaultAudienceOfAClientWithoutAudiencesThenInvalidTarget() {
        TokenPolicy.Decision decision = policy.decide(TENANT, client, null, List.of("https://evil.example"), ISSUER);

        assertThat(decision.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_TARGET);
        assertThat(decision.refusal().reason()).isEqualTo(Reason.AUDIENCE_NOT_ALLOWED);
    }

    @Test
    void tokenRequestWhenResourceIsTheIssuerDefaultButTheTenantSetsAnotherThenInvalidTarget() {
        Tenant tenant = TENANT.withSettings(TenantSettings.DEFAULTS.withDefaultAudience("https://api.acme.example"));

        TokenPolicy.Decision decision = policy.decide(tenant, client, null, List.of(ISSUER + "/api"), ISSUER);

        assertThat(decision.refusal().error()).isEqualTo(OAuthErrorCode.INVALID_TARGET);
    }

    @Test
    void grantedLifetimeWhenClientHasATokenTtlThenThatTtl() {
        ClientCredential shortLived = aClient().ttl(Duration.ofSeconds(300)).build();

        TokenPolicy.Decision decision = policy.decide(TENANT, shortLived, null, List.of(), ISSUER);

        assertThat(decision.grant().lifetime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(decision.grant().client()).isSameAs(shortLived);
    }

    @Test
    void defaultAudienceWhenTenantSettingOrNoneThenTheSettingElseIssuerSlashApi() {
        assertThat(TokenPolicy.defaultAudience(TENANT, ISSUER)).isEqualTo(ISSUER + "/api");
        assertThat(TokenPolicy.defaultAudience(
                TENANT.withSettings(TenantSettings.DEFAULTS.withDefaultAudience("urn:acme")), ISSUER)).isEqualTo("urn:acme");
    }

    @Test
    void grantWhenWithoutAudienceThenRefusedByRfc9068() {
        assertThatThrownBy(() -> new TokenGrant(client, ScopeSet.EMPTY, List.of(), Duration.ofSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RFC 9068 §2.2: an access token has an audience");
    }
}
