package dev.tollgate.server;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signing-key rotation as resource servers see it, with time moved by the server's clock (Spring's
 * decoder judges expiry by the same clock).
 */
class KeyRotationTest {

    private TestServer server;

    @BeforeEach
    void startServer() {
        server = TestServer.embedded();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void tokenWhenSignedBeforeRotationThenStillValidAfterIt() {
        JwtDecoder before = decoder();
        String token = token();
        assertThat(before.decode(token).getSubject()).isEqualTo(clientId());
        server.clock().advance(Duration.ofMinutes(10));

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(server.app()).keys.rotate(TENANT);

        assertThat(before.decode(token).getSubject()).isEqualTo(clientId());
        // A resource server that first sees the JWKS after the rotation accepts it too.
        assertThat(decoder().decode(token).getSubject()).isEqualTo(clientId());
    }

    @Test
    void revokeWhenTheSigningKeyMayHaveLeakedThenItsTokensAreRefusedItLeavesTheJwksAndNextSigns() throws Exception {
        String before = token();
        String current = kidInState(KeyState.CURRENT);
        String next = kidInState(KeyState.NEXT);
        assertThat(server.app().introspector().inspect(TENANT, before)).isPresent();

        server.app().adminOperations().keys().revoke(dev.tollgate.core.admin.Actor.cli(TENANT), TENANT, current);

        assertThat(server.app().introspector().inspect(TENANT, before)).isEmpty();
        assertThatThrownBy(() -> decoder().decode(before)).isInstanceOf(JwtException.class);
        assertThat(server.app().store().keys().list(TENANT)).extracting(k -> k.kid()).doesNotContain(current);
        assertThat(jwksKids()).doesNotContain(current);
        String after = token();
        assertThat(kidOf(after)).isEqualTo(next);
        assertThat(decoder().decode(after).getSubject()).isEqualTo(clientId());
        assertThat(kidInState(KeyState.NEXT)).isNotEqualTo(next);
        assertThat(server.app().store().audit().query(TENANT, new dev.tollgate.core.store.AuditRepository.Filter(
                null, null, "key.revoke", null, null), 0, 10)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("kid=" + current));
    }

    @Test
    void revokeWhenTheKidIsUnknownThenNotFoundAndNothingChanged() {
        var before = server.app().store().keys().list(TENANT);

        assertThatThrownBy(() -> server.app().adminOperations().keys()
                .revoke(dev.tollgate.core.admin.Actor.cli(TENANT), TENANT, "no-such-kid"))
                .isInstanceOf(dev.tollgate.core.admin.AdminFailure.NotFound.class);
        assertThat(server.app().store().keys().list(TENANT)).isEqualTo(before);
    }

    @Test
    void rotationWhenDoneThenTheVeryNextTokenCarriesTheFormerNextKeysKid() throws Exception {
        String before = token();
        String current = kidInState(KeyState.CURRENT);
        String next = kidInState(KeyState.NEXT);
        assertThat(kidOf(before)).isEqualTo(current);

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(server.app()).keys.rotate(TENANT);
        String after = token();

        assertThat(kidOf(after)).isEqualTo(next).isNotEqualTo(current);
        assertThat(decoder().decode(after).getSubject()).isEqualTo(clientId());
    }

    @Test
    void rotationWhenDoneThenJwksHasTheRetiredKeyTheNewCurrentAndANewNext() {
        String formerCurrent = kidInState(KeyState.CURRENT);
        String formerNext = kidInState(KeyState.NEXT);
        assertThat(jwksKids()).containsExactlyInAnyOrder(formerCurrent, formerNext);

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(server.app()).keys.rotate(TENANT);

        Map<String, KeyState> states = keyStates();
        assertThat(states).hasSize(3)
                .containsEntry(formerCurrent, KeyState.RETIRED)
                .containsEntry(formerNext, KeyState.CURRENT);
        String newNext = kidInState(KeyState.NEXT);
        assertThat(newNext).isNotIn(formerCurrent, formerNext);
        assertThat(jwksKids()).containsExactlyInAnyOrder(formerCurrent, formerNext, newNext);
        // Only public halves are published.
        assertThat(jwks().getKeys()).noneMatch(JWK::isPrivate);
    }

    @Test
    void retiredKeyWhenRotatedOutThenPublishedUntilItsLastTokenHasExpiredAndGoneAfter() {
        JwtDecoder decoder = decoder();
        String oldToken = token();
        Instant oldExpiry = decoder.decode(oldToken).getExpiresAt();
        String oldKid = kidInState(KeyState.CURRENT);
        server.clock().advance(Duration.ofMinutes(10));

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Instant rotatedAt = server.clock().instant();

        Administration.of(server.app()).keys.rotate(TENANT);

        Instant publishUntil = retired().publishUntil();
        // The longest lifetime any token can have, plus the allowance for verifiers with skewed clocks.
        assertThat(publishUntil).isEqualTo(rotatedAt.plus(ClientCredential.MAX_TOKEN_TTL).plus(KeyRotation.CLOCK_SKEW));

        server.clock().set(publishUntil.minusSeconds(1));
        assertThat(jwksKids()).contains(oldKid);

        server.clock().set(publishUntil.plusSeconds(1));
        assertThat(jwksKids()).doesNotContain(oldKid).hasSize(2);
        assertThat(oldExpiry).isBefore(server.clock().instant());
        assertThatThrownBy(() -> decoder.decode(oldToken)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder().decode(oldToken)).isInstanceOf(JwtException.class);
        // Tokens signed now are unaffected.
        assertThat(decoder().decode(token()).getSubject()).isEqualTo(clientId());
    }

    /** Not the longest of today's clients: one deleted or shortened since may have tokens out that the key signed. */
    @Test
    void retiredKeyWhenTheClientsNowHaveShorterLifetimesThenPublishedForTheLongestLifetimeAnyTokenCanHave() {
        ClientWithSecret shortLived = Administration.of(server.app()).clients.create(TENANT, new ClientSpec("short-lived",
                ScopeSet.of("users:read"), null, null, null, ClientCredential.MIN_TOKEN_TTL));

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Instant rotatedAt = server.clock().instant();

        Administration.of(server.app()).keys.rotate(TENANT);

        assertThat(shortLived.client().tokenTtl()).isLessThan(ClientCredential.DEFAULT_TOKEN_TTL);
        assertThat(retired().publishUntil())
                .isEqualTo(rotatedAt.plus(ClientCredential.MAX_TOKEN_TTL).plus(KeyRotation.CLOCK_SKEW));
    }

    @Test
    void rotationWhenAfterTheRetiredKeyExpiredThenTheRetiredKeyIsDeleted() {
        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Administration.of(server.app()).keys.rotate(TENANT);
        SigningKey firstRetired = retired();
        server.clock().set(firstRetired.publishUntil().plusSeconds(1));

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(server.app()).keys.rotate(TENANT);

        assertThat(keyStates()).hasSize(3).doesNotContainKey(firstRetired.kid());
        assertThat(jwksKids()).hasSize(3).doesNotContain(firstRetired.kid());
    }

    /**
     * The NEXT key is published a whole rotation before it signs, so a resource server holding a
     * JWKS fetched before the rotation already has the key that signs after it: no refetch, no
     * rejected token.
     */
    @Test
    void verifierWhenItCachedTheJwksBeforeRotationThenAcceptsNewTokensWithoutFetchingItAgain() {
        AtomicInteger fetches = new AtomicInteger();
        RestTemplate rest = new RestTemplate();
        rest.getInterceptors().add((request, body, execution) -> {
            fetches.incrementAndGet();
            return execution.execute(request, body);
        });
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(server.jwksUri().toString())
                .jwsAlgorithm(SignatureAlgorithm.ES256).restOperations(rest).build();
        decoder.setJwtValidator(SpringResourceServer.atJwtValidator(server.issuer(), server.issuer() + "/api",
                server.clock()));
        decoder.decode(token());
        assertThat(fetches).hasValue(1);

        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        Administration.of(server.app()).keys.rotate(TENANT);
        String signedByFormerNext = token();

        assertThat(decoder.decode(signedByFormerNext).getSubject()).isEqualTo(clientId());
        assertThat(fetches).hasValue(1);
    }

    private String token() {
        return NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
    }

    private String clientId() {
        return server.defaultClient().client().clientId().value();
    }

    private JwtDecoder decoder() {
        return SpringResourceServer.decoder(server.jwksUri().toString(), server.issuer(), server.issuer() + "/api",
                server.clock());
    }

    private static String kidOf(String token) throws java.text.ParseException {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    private Map<String, KeyState> keyStates() {
        return Administration.of(server.app()).keys.list(TENANT).stream()
                .collect(Collectors.toMap(SigningKey::kid, SigningKey::state));
    }

    private String kidInState(KeyState state) {
        List<SigningKey> keys = Administration.of(server.app()).keys.list(TENANT).stream().filter(k -> k.state() == state).toList();
        assertThat(keys).as("keys in state " + state).hasSize(1);
        return keys.get(0).kid();
    }

    private SigningKey retired() {
        List<SigningKey> keys = Administration.of(server.app()).keys.list(TENANT).stream()
                .filter(k -> k.state() == KeyState.RETIRED).toList();
        assertThat(keys).as("retired keys").hasSize(1);
        return keys.get(0);
    }

    private JWKSet jwks() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.jwksUri()).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        try {
            return JWKSet.parse(response.body());
        } catch (java.text.ParseException e) {
            throw new AssertionError("JWKS does not parse: " + response.body(), e);
        }
    }

    private List<String> jwksKids() {
        return jwks().getKeys().stream().map(JWK::getKeyID).toList();
    }
}
