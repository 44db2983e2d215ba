package dev.tollgate.server;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

    @Test
    void tokenRequestWhenBasicThenBearerToken() {
        try (TestServer server = TestServer.embedded()) {
            var client = server.defaultClient();
            String basic = Base64.getEncoder().encodeToString(
                    (client.client().clientId().value() + ":" + client.secret().reveal()).getBytes());
            var response = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                    .header("Authorization", "Basic " + basic)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"token_type\":\"Bearer\"");
        }
    }
}
