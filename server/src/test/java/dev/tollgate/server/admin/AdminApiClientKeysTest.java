package dev.tollgate.server.admin;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import dev.tollgate.core.token.ClientAssertionVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registering a private_key_jwt client through the admin API (RFC 7591 names), managing its keys,
 * and the registrations that must be refused with a clear 400: private key material, a symmetric
 * key, a secret client's keys, a jwks_uri that is plain http or loopback (the default settings).
 */
class AdminApiClientKeysTest {

    private static AdminApiFixture f;
    private static Session admin;
    private static ECKey key;

    @BeforeAll
    static void start() throws Exception {
        f = new AdminApiFixture(TestServer.embedded());
        admin = f.seedAndLogin(TENANT, "keys.admin", AdminRole.ADMIN, Set.of());
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static Response create(String body) {
        return f.call("POST", f.api(TENANT) + "/clients", admin, body);
    }

    @Test
    void createWhenPrivateKeyJwtWithAJwkSetThenNoSecretAndTheKeyListedAndATokenIssued() throws Exception {
        Response created = create("{\"name\":\"signer\",\"allowed_scopes\":[\"users:read\"],"
                + "\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":" + new JWKSet(key.toPublicJWK()) + "}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).doesNotContainKey("client_secret")
                .containsEntry("token_endpoint_auth_method", "private_key_jwt");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) created.json().get("keys");
        assertThat(keys).singleElement().satisfies(k -> {
            assertThat(k).containsEntry("kid", "k1").containsEntry("kty", "EC")
                    .containsEntry("thumbprint", key.computeThumbprint().toString());
            assertThat(k).doesNotContainKeys("x", "y", "d");
        });
        String id = (String) created.json().get("client_id");

        Response token = tokenWith(id, key);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
    }

    @Test
    void keysWhenAddedAsPemAndTheOldOneRemovedThenOnlyTheNewKeySigns() throws Exception {
        String id = (String) create("{\"name\":\"rotating\",\"allowed_scopes\":[\"users:read\"],"
                + "\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":" + key.toPublicJWK().toJSONString() + "}")
                .json().get("client_id");
        ECKey next = new ECKeyGenerator(Curve.P_256).generate();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(next.toPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";

        Response added = f.call("POST", f.api(TENANT) + "/clients/" + id + "/keys", admin,
                "{\"jwk\":" + AdminApiFixture.quote(pem) + "}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        String thumbprint = next.computeThumbprint().toString();
        // A PEM key has no kid: it gets its thumbprint.
        ECKey nextWithKid = new ECKey.Builder(next).keyID(thumbprint).build();
        assertThat(tokenWith(id, nextWithKid).status()).isEqualTo(200);

        Response removed = f.call("DELETE", f.api(TENANT) + "/clients/" + id + "/keys/k1", admin, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(tokenWith(id, key).status()).isEqualTo(401);
        assertThat(tokenWith(id, nextWithKid).status()).isEqualTo(200);
    }

    @Test
    void createWhenTheJwkHasPrivateMembersThen400NamingJwksAndNothingCreated() {
        int before = f.store().clients().list(TENANT).size();

        Response refused = create("{\"name\":\"leaky\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":"
                + new JWKSet(key).toString(false) + "}");

        refused.assertError(400, null);
        assertThat(refused.fields()).containsKey("jwks");
        assertThat(String.valueOf(refused.fields().get("jwks"))).contains("private");
        assertThat(refused.body()).doesNotContain(key.getD().toString());
        assertThat(f.store().clients().list(TENANT)).hasSize(before);
    }

    @Test
    void createWhenTheKeyIsSymmetricOrASmallRsaKeyThen400() throws Exception {
        String oct = new OctetSequenceKeyGenerator(256).keyID("h").generate().toJSONString();
        RSAKey small = new RSAKeyGenerator(1024, true).keyID("small").generate();

        create("{\"name\":\"hmac\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":" + oct + "}")
                .assertError(400, null);
        create("{\"name\":\"small\",\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":"
                + small.toPublicJWK().toJSONString() + "}").assertError(400, null);
    }

    @Test
    void createWhenPrivateKeyJwtWithoutKeysOrKeysWithoutTheMethodThen400() {
        assertThat(create("{\"name\":\"keyless\",\"token_endpoint_auth_method\":\"private_key_jwt\"}")
                .assertError(400, null).fields()).containsKey("jwks");
        assertThat(create("{\"name\":\"mixed\",\"jwks\":" + key.toPublicJWK().toJSONString() + "}")
                .assertError(400, null).fields()).containsKey("token_endpoint_auth_method");
        assertThat(create("{\"name\":\"hmac\",\"token_endpoint_auth_method\":\"client_secret_jwt\"}")
                .assertError(400, null).fields().get("token_endpoint_auth_method")).asString()
                .contains("client_secret_jwt is not offered");
    }

    @Test
    void createWhenJwksUriIsPlainHttpOrLoopbackThen400ByDefault() {
        assertThat(create("{\"name\":\"remote\",\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"jwks_uri\":\"http://client.example/jwks\"}").assertError(400, null).fields()).containsKey("jwks_uri");
        assertThat(create("{\"name\":\"remote\",\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"jwks_uri\":\"https://127.0.0.1/jwks\"}").assertError(400, null).fields().get("jwks_uri"))
                .asString().contains("non-public");
    }

    @Test
    void keysWhenTheClientUsesASecretThenConflict() {
        String id = f.createClient(TENANT, "secret client", "users:read").client().clientId().value();

        f.call("POST", f.api(TENANT) + "/clients/" + id + "/keys", admin,
                "{\"jwk\":" + key.toPublicJWK().toJSONString() + "}").assertError(409, null);
    }

    private static Response tokenWith(String clientId, ECKey signer) throws Exception {
        Instant now = f.server.clock().instant();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(f.server.issuer())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(signer));
        String body = "grant_type=client_credentials&client_assertion_type="
                + URLEncoder.encode(ClientAssertionVerifier.JWT_BEARER, StandardCharsets.UTF_8)
                + "&client_assertion=" + jwt.serialize();
        return f.send(HttpRequest.newBuilder(URI.create(f.server.issuer() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
