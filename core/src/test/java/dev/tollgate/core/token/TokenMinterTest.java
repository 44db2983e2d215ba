package dev.tollgate.core.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;

class TokenMinterTest {

    private static final String ISSUER = "https://auth.acme.example/t/10001";
    /** Not on a whole second: the token's times are whole seconds. */
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.750Z");
    private static final Instant NOW_SECONDS = Instant.parse("2026-03-01T10:00:00Z");

    private static SigningKeyRing es256;

    private final TokenMinter minter = new TokenMinter();

    @BeforeAll
    static void ring() {
        es256 = SigningKeyRing.of(KeyRotation.initialKeys(TenantId.of("10001"), SigningAlgorithm.ES256, NOW));
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void mintWhenEachAlgorithmThenVerifiesWithThePublishedKey(SigningAlgorithm algorithm) throws Exception {
        SigningKeyRing ring = SigningKeyRing.of(KeyRotation.initialKeys(TenantId.of("10001"), algorithm, NOW));

        IssuedToken token = minter.mint(grant(aClient().build(), List.of("https://api.acme.example")), ring, ISSUER, NOW);

        SignedJWT jwt = TokenVerifier.verified(token.value(), ring.publicJwks(NOW));
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(ring.current().kid());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("billing-service");
    }

    @Test
    void mintWhenSignedWithOneKeyThenDoesNotVerifyWithAnother() throws Exception {
        SigningKeyRing other = SigningKeyRing.of(KeyRotation.initialKeys(TenantId.of("10001"), SigningAlgorithm.ES256, NOW));
        IssuedToken token = minter.mint(grant(aClient().build(), List.of("aud")), es256, ISSUER, NOW);

        SignedJWT jwt = SignedJWT.parse(token.value());

        assertThat(jwt.verify(TokenVerifier.verifierFor(other.publicJwks(NOW).getKeys().get(0)))).isFalse();
    }

    @Test
    void mintWhenCalledThenTokenCarriesTheRfc9068Claims() throws Exception {
        ClientCredential client = aClient().tenant(TenantId.of("10001")).id("billing-service").name("Billing service")
                .ttl(Duration.ofSeconds(900)).build();

        JWTClaimsSet claims = claimsOf(minter.mint(
                new TokenGrant(client, ScopeSet.of("users:write", "users:read"), List.of("https://api.acme.example"),
                        client.tokenTtl()), es256, ISSUER, NOW));

        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getSubject()).isEqualTo("billing-service");
        assertThat(claims.getAudience()).containsExactly("https://api.acme.example");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW_SECONDS);
        assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(NOW_SECONDS);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW_SECONDS.plusSeconds(900));
        assertThat(claims.getStringClaim("client_id")).isEqualTo("billing-service");
        assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write");
        assertThat(claims.getStringClaim("customer_id")).isEqualTo("10001");
        assertThat(claims.getStringClaim("client_name")).isEqualTo("Billing service");
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void mintWhenLifetimeGrantedThenExpiryIsIssueTimePlusIt() throws Exception {
        ClientCredential client = aClient().ttl(Duration.ofSeconds(3600)).build();

        IssuedToken token = minter.mint(grant(client, List.of("aud")), es256, ISSUER, NOW);
        JWTClaimsSet claims = claimsOf(token);

        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(claims.getIssueTime().toInstant().plus(Duration.ofSeconds(3600)));
        assertThat(claims.getNotBeforeTime()).isEqualTo(claims.getIssueTime());
        assertThat(token.expiresAt()).isEqualTo(claims.getExpirationTime().toInstant());
        assertThat(token.lifetime()).isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void mintWhenCalledThenTheIssuedTokenReportsItsJtiAndScopes() throws Exception {
        IssuedToken token = minter.mint(grant(aClient().build(), List.of("aud")), es256, ISSUER, NOW);

        assertThat(token.jti()).isEqualTo(claimsOf(token).getJWTID());
        assertThat(token.scopes()).isEqualTo(ScopeSet.of("users:read"));
        assertThat(token.toString()).doesNotContain(token.value());
    }

    @Test
    void mintWhenOneAudienceThenAJsonString() throws Exception {
        IssuedToken token = minter.mint(grant(aClient().build(), List.of("https://api.acme.example")), es256, ISSUER, NOW);

        Map<String, Object> payload = SignedJWT.parse(token.value()).getPayload().toJSONObject();

        assertThat(payload.get("aud")).isEqualTo("https://api.acme.example");
    }

    @Test
    void mintWhenSeveralAudiencesThenAJsonArray() throws Exception {
        IssuedToken token = minter.mint(grant(aClient().build(), List.of("https://a.example", "https://b.example")),
                es256, ISSUER, NOW);

        Map<String, Object> payload = SignedJWT.parse(token.value()).getPayload().toJSONObject();

        assertThat(payload.get("aud")).isInstanceOf(List.class);
        assertThat(payload.get("aud")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void mintWhenTwiceThenDifferentJtis() throws Exception {
        TokenGrant grant = grant(aClient().build(), List.of("aud"));

        IssuedToken first = minter.mint(grant, es256, ISSUER, NOW);
        IssuedToken second = minter.mint(grant, es256, ISSUER, NOW);

        assertThat(first.jti()).isNotEqualTo(second.jti());
        assertThat(claimsOf(first).getJWTID()).isNotEqualTo(claimsOf(second).getJWTID());
    }

    @Test
    void mintWhenTheClientHasAuthoritiesThenPresent() throws Exception {
        ClientCredential client = aClient().authorities(List.of("ROLE_BILLING", "ROLE_REPORTS")).build();

        JWTClaimsSet claims = claimsOf(minter.mint(grant(client, List.of("aud")), es256, ISSUER, NOW));

        assertThat(claims.getStringListClaim("authorities")).containsExactly("ROLE_BILLING", "ROLE_REPORTS");
    }

    @Test
    void mintWhenTheClientHasNoAuthoritiesThenAbsent() throws Exception {
        JWTClaimsSet claims = claimsOf(minter.mint(grant(aClient().build(), List.of("aud")), es256, ISSUER, NOW));

        assertThat(claims.getClaims()).doesNotContainKey("authorities");
    }

    @Test
    void mintWhenTheClientNameHoldsJsonThenItStaysOneStringClaim() throws Exception {
        String name = "x\",\"scope\":\"admin:all\",\"n\":\"\\";
        ClientCredential client = aClient().name(name).authorities(List.of("\"],\"evil")).build();

        JWTClaimsSet claims = claimsOf(minter.mint(grant(client, List.of("aud")), es256, ISSUER, NOW));

        assertThat(claims.getStringClaim("client_name")).isEqualTo(name);
        assertThat(claims.getStringListClaim("authorities")).containsExactly("\"],\"evil");
        assertThat(claims.getClaims()).doesNotContainKey("n");
        assertThat(claims.getStringClaim("scope")).doesNotContain("admin:all");
    }

    @Test
    void mintWhenCalledThenClaimSetIsExactlyTheProfile() throws Exception {
        JWTClaimsSet claims = claimsOf(minter.mint(grant(aClient().build(), List.of("aud")), es256, ISSUER, NOW));

        assertThat(claims.getClaims()).containsOnlyKeys("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id",
                "scope", "customer_id", "client_name");
    }

    @Test
    void mintWhenRingHasAnAlgorithmThenSignedWithIt() throws Exception {
        IssuedToken token = minter.mint(grant(aClient().build(), List.of("aud")), es256, ISSUER, NOW);

        assertThat(SignedJWT.parse(token.value()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    private static TokenGrant grant(ClientCredential client, List<String> audiences) {
        return new TokenGrant(client, client.defaultScopes(), audiences, client.tokenTtl());
    }

    private static JWTClaimsSet claimsOf(IssuedToken token) throws Exception {
        return TokenVerifier.verified(token.value(), es256.publicJwks(NOW)).getJWTClaimsSet();
    }
}
