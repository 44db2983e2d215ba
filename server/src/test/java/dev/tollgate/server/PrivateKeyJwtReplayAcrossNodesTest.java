package dev.tollgate.server;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.token.ClientAssertionVerifier;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.store.TestKek;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 7523 §3 item 7 across a cluster: two servers on one PostgreSQL database, one issuer (the
 * public URL a load balancer gives them). An assertion accepted by one node is refused by the other,
 * and still refused after both restart: the replay cache's memory is per node, its store is not.
 */
class PrivateKeyJwtReplayAcrossNodesTest {

    private static final String PUBLIC_URL = "https://tollgate.cluster.example";

    private final TestClock clock = TestClock.startingNow();
    private PostgresTestDatabase database;
    private final List<Tollgate> apps = new ArrayList<>();
    private final List<TollgateServer> servers = new ArrayList<>();
    private ECKey key;
    private ClientCredential client;

    @BeforeEach
    void startTwoNodes() throws Exception {
        database = PostgresTestDatabase.create();
        startNodes();
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ClientCredential template = apps.get(0).bootstrap(TENANT).orElseThrow().clients().get(0).client();
        client = apps.get(0).adminOperations().clients().create(Actor.cli(TENANT), TENANT, new ClientSpec("key client",
                template.allowedScopes(), template.defaultScopes(), null, null, null, false,
                ClientAuthMethod.PRIVATE_KEY_JWT, ClientKeys.inline(List.of(key.toPublicJWK())))).client();
    }

    private void startNodes() {
        for (int i = 0; i < 2; i++) {
            ServerConfig config = ServerConfig.builder().port(0).managementPort(0).publicUrl(PUBLIC_URL)
                    .store(database.storeConfig()).keyEncryptionKey(TestKek.SHARED).defaultTenant(TENANT)
                    .tokenAudit(dev.tollgate.server.ops.TokenAudit.Mode.OFF).build();
            Tollgate app = Tollgate.open(config, clock);
            apps.add(app);
            servers.add(TollgateServer.start(app, config));
        }
    }

    private void stopNodes() {
        servers.forEach(TollgateServer::close);
        apps.forEach(Tollgate::close);
        servers.clear();
        apps.clear();
    }

    @AfterEach
    void stop() {
        stopNodes();
        database.close();
    }

    @Test
    void assertionWhenAcceptedByOneNodeThenTheOtherRefusesItAsAReplay() throws Exception {
        String assertion = assertion();

        assertThat(post(0, assertion).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = post(1, assertion);

        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.body()).contains("\"invalid_client\"");
        assertThat(post(1, assertion()).statusCode()).isEqualTo(200);
    }

    @Test
    void assertionWhenBothNodesRestartThenStillRefused() throws Exception {
        String assertion = assertion();
        assertThat(post(0, assertion).statusCode()).isEqualTo(200);

        stopNodes();
        startNodes();

        assertThat(post(0, assertion).statusCode()).isEqualTo(401);
        assertThat(post(1, assertion).statusCode()).isEqualTo(401);
    }

    private String assertion() throws Exception {
        Instant now = clock.instant();
        String id = client.clientId().value();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer(id).subject(id).audience(PUBLIC_URL + "/t/" + TENANT.value())
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private HttpResponse<String> post(int node, String assertion) throws Exception {
        String body = "grant_type=client_credentials&client_assertion_type="
                + URLEncoder.encode(ClientAssertionVerifier.JWT_BEARER, StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion;
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servers.get(node).port() + "/t/" + TENANT.value()
                            + "/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
