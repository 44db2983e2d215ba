package dev.tollgate.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientWithSecret;
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
import java.util.Base64;
import java.util.List;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DPoP proof is single-use across every node of one PostgreSQL store (RFC 9449 §11.1): two
 * servers behind one public URL (as behind a load balancer, so a proof's htu fits both), a proof
 * accepted by one and replayed to the other is refused there.
 */
class DPoPAcrossNodesTest {

    private static final String PUBLIC_URL = "https://tollgate.example.test";

    private final TestClock clock = TestClock.startingNow();
    private final List<Tollgate> apps = new ArrayList<>();
    private final List<TollgateServer> nodes = new ArrayList<>();
    private PostgresTestDatabase database;
    private ClientWithSecret client;

    @BeforeEach
    void startTwoNodes() {
        database = PostgresTestDatabase.create();
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(database.storeConfig())
                .keyEncryptionKey(TestKek.SHARED).defaultTenant(TENANT).publicUrl(PUBLIC_URL).build();
        for (int i = 0; i < 2; i++) {
            Tollgate app = Tollgate.open(config, clock);
            apps.add(app);
            if (i == 0) {
                client = app.bootstrap(TENANT).orElseThrow().clients().get(0);
            }
            nodes.add(TollgateServer.start(app, config));
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(TollgateServer::close);
        apps.forEach(Tollgate::close);
        database.close();
    }

    @Test
    void proofWhenAcceptedByOneNodeAndReplayedToAnotherThenRefusedInvalidDpopProof() throws Exception {
        DPoPProofMaker proofs = new DPoPProofMaker();
        String proof = proofs.nimbus("POST", URI.create(PUBLIC_URL + "/t/" + TENANT.value() + "/oauth2/token"),
                null, null);

        HttpResponse<String> first = tokenRequest(nodes.get(0), proof);
        HttpResponse<String> replayed = tokenRequest(nodes.get(1), proof);
        HttpResponse<String> fresh = tokenRequest(nodes.get(1), proofs.nimbus("POST",
                URI.create(PUBLIC_URL + "/t/" + TENANT.value() + "/oauth2/token"), null, null));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(first.body())).containsEntry("token_type", "DPoP");
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(replayed.body())).containsEntry("error", "invalid_dpop_proof")
                .containsEntry("error_description", "DPoP proof jti was used before");
        assertThat(fresh.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> tokenRequest(TollgateServer node, String proof) throws Exception {
        clock.set(Instant.now());
        String pair = URLEncoder.encode(client.client().clientId().value(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(client.secret().reveal(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.port() + "/t/" + TENANT.value() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                .header("DPoP", proof)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
