package dev.tollgate.server;

import dev.tollgate.core.key.KeyRotation;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.BuiltinScopes;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.security.oauth2.jwt.Jwt;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** What administrators change survives a restart, on both stores; the restart itself changes nothing. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class PersistenceTest {

    private static final String API_AUDIENCE = "https://api.example.test";

    @Parameter
    TestServer.Kind kind;

    private TestServer server;

    @BeforeEach
    void startServer() {
        server = TestServer.start(kind);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void clientWhenCreatedBeforeRestartThenStillThereAndItsSecretStillWorks() {
        ClientWithSecret created = Administration.of(server.app()).clients.create(TENANT, new ClientSpec("persisted-client",
                ScopeSet.of("users:read", "users:write"), ScopeSet.of("users:read"), List.of(API_AUDIENCE),
                List.of("ROLE_REPORTER"), Duration.ofMinutes(10)));

        server.restart();

        ClientCredential loaded = Administration.of(server.app()).clients.get(TENANT, created.client().clientId());
        assertThat(loaded).isEqualTo(created.client());
        Jwt jwt = springDecoder(API_AUDIENCE).decode(
                NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(created), null));
        assertThat(jwt.getSubject()).isEqualTo(created.client().clientId().value());
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("users:read");
        assertThat(jwt.getClaimAsStringList("authorities")).containsExactly("ROLE_REPORTER");
        assertThat(jwt.getExpiresAt()).isEqualTo(jwt.getIssuedAt().plus(Duration.ofMinutes(10)));
    }

    @Test
    void tenantSettingWhenChangedBeforeRestartThenStillChanged() {
        Tenant changed = Administration.of(server.app()).tenants.updateSettings(TENANT,
                s -> s.withAllowQueryCredentials(true).withDefaultAudience(API_AUDIENCE));

        server.restart();

        TenantSettings settings = Administration.of(server.app()).tenants.get(TENANT).settings();
        assertThat(settings).isEqualTo(changed.settings());
        assertThat(settings.allowQueryCredentials()).isTrue();
        // Seen over HTTP too: the default audience of the tenant's tokens is the setting.
        Jwt jwt = springDecoder(API_AUDIENCE).decode(
                NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null));
        assertThat(jwt.getAudience()).containsExactly(API_AUDIENCE);
    }

    @Test
    void keysWhenRotatedBeforeRestartThenSameKidsStatesAndKeysAfterIt() throws Exception {
        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Administration.of(server.app()).keys.rotate(TENANT);
        List<SigningKey> before = Administration.of(server.app()).keys.list(TENANT);
        String oldIssuer = server.issuer();
        String signedBefore = token();

        server.restart();

        List<SigningKey> after = Administration.of(server.app()).keys.list(TENANT);
        assertThat(summary(after)).isEqualTo(summary(before));
        assertThat(kidsByState(after).get(KeyState.RETIRED)).isNotNull();
        assertThat(thumbprints(after)).isEqualTo(thumbprints(before));
        assertThat(after).isEqualTo(before);
        // The published set is the same, and signs as before: the token from before still verifies
        // (against its own issuer, which named the old port) and the new one uses the same CURRENT key.
        assertThat(jwksKids()).containsExactlyInAnyOrderElementsOf(before.stream().map(SigningKey::kid).toList());
        assertThat(SpringResourceServer.decoder(server.jwksUri().toString(), oldIssuer, oldIssuer + "/api",
                server.clock()).decode(signedBefore).getSubject())
                .isEqualTo(server.defaultClient().client().clientId().value());
        String signedAfter = token();
        assertThat(SignedJWT.parse(signedAfter).getHeader().getKeyID())
                .isEqualTo(SignedJWT.parse(signedBefore).getHeader().getKeyID())
                .isEqualTo(kidsByState(before).get(KeyState.CURRENT));
        assertThat(springDecoder(server.issuer() + "/api").decode(signedAfter).getSubject())
                .isEqualTo(server.defaultClient().client().clientId().value());
    }

    @Test
    void restartWhenAlreadyBootstrappedThenTheBootstrapCreatesNothingNewAndTheFirstSecretsStillWork() {
        List<Tenant> tenants = Administration.of(server.app()).tenants.list();
        List<ClientCredential> clients = Administration.of(server.app()).clients.list(TENANT);
        List<SigningKey> keys = Administration.of(server.app()).keys.list(TENANT);

        server.restart();

        assertThat(Administration.of(server.app()).tenants.list()).hasSize(tenants.size()).isEqualTo(tenants);
        assertThat(server.app().bootstrap(TENANT)).isEmpty();
        assertThat(Administration.of(server.app()).tenants.list()).hasSize(tenants.size());
        assertThat(Administration.of(server.app()).clients.list(TENANT)).isEqualTo(clients);
        assertThat(Administration.of(server.app()).keys.list(TENANT)).isEqualTo(keys);
        assertThat(Administration.of(server.app()).scopes.list(TENANT)).hasSize(BuiltinScopes.USERS_API.size() + BuiltinScopes.ADMIN_API.size());
        // The secrets printed at the first start still work: the secret-hashing key was kept too.
        for (ClientWithSecret builtin : List.of(server.defaultClient(), server.microserviceClient())) {
            assertThat(springDecoder(server.issuer() + "/api").decode(NimbusClient.accessToken(server.tokenEndpoint(),
                    NimbusClient.basic(builtin), null)).getSubject()).isEqualTo(builtin.client().clientId().value());
        }
    }

    @Test
    void administrativeChangesWhenEveryKindMadeThenAllOfThemSurviveTwoRestarts() {
        ClientWithSecret created = Administration.of(server.app()).clients.create(TENANT,
                ClientSpec.named("twice-restarted", ScopeSet.of("users:read")));
        Administration.of(server.app()).tenants.updateSettings(TENANT, s -> s.withAllowQueryCredentials(true));
        server.clock().advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Administration.of(server.app()).keys.rotate(TENANT);
        Map<String, KeyState> keys = summary(Administration.of(server.app()).keys.list(TENANT));

        server.restart();
        server.restart();

        assertThat(Administration.of(server.app()).clients.get(TENANT, created.client().clientId())).isEqualTo(created.client());
        assertThat(Administration.of(server.app()).tenants.get(TENANT).settings().allowQueryCredentials()).isTrue();
        assertThat(summary(Administration.of(server.app()).keys.list(TENANT))).isEqualTo(keys);
        assertThat(Administration.of(server.app()).tenants.list()).hasSize(1);
        NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.post(created), null);
    }

    private String token() {
        return NimbusClient.accessToken(server.tokenEndpoint(), NimbusClient.basic(server.defaultClient()), null);
    }

    private org.springframework.security.oauth2.jwt.JwtDecoder springDecoder(String audience) {
        return SpringResourceServer.decoder(server.jwksUri().toString(), server.issuer(), audience, server.clock());
    }

    private static Map<String, KeyState> summary(List<SigningKey> keys) {
        return keys.stream().collect(Collectors.toMap(SigningKey::kid, SigningKey::state));
    }

    private static Map<KeyState, String> kidsByState(List<SigningKey> keys) {
        return keys.stream().collect(Collectors.toMap(SigningKey::state, SigningKey::kid));
    }

    private static Map<String, String> thumbprints(List<SigningKey> keys) {
        return keys.stream().collect(Collectors.toMap(SigningKey::kid, k -> {
            try {
                return k.privateJwk().toPublicJWK().computeThumbprint().toString();
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    private List<String> jwksKids() {
        var response = server.send(HttpRequest.newBuilder(server.jwksUri()).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        try {
            return JWKSet.parse(response.body()).getKeys().stream().map(JWK::getKeyID).toList();
        } catch (java.text.ParseException e) {
            throw new AssertionError(response.body(), e);
        }
    }
}
