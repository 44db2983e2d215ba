package dev.tollgate.server.ops;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the token audit records of a refusal: clients the tenant has, never a presented string. */
class TokenAuditTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        // The events in the store's audit log: the committed mode (the stream's are in TokenEventStreamTest).
        server = TestServer.embedded(b -> b.tokenAudit(TokenAudit.Mode.COMMITTED));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void refusalWhenThePresentedClientIdIsNoClientThenRecordedAsUnknownWithoutTheText() {
        // A client's secret pasted into client_id: it must not reach the audit log's actor fields.
        String pasted = server.defaultClient().secret().reveal();
        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + pasted
                        + "&client_secret=whatever"))
                .build());
        assertThat(answer.statusCode()).isEqualTo(401);

        List<AuditEvent> refused = server.app().store().audit().query(TestServer.TENANT,
                new AuditRepository.Filter(null, null, "token.refused", null, null), 0, 10);
        assertThat(refused).isNotEmpty();
        AuditEvent event = refused.getFirst();
        assertThat(event.actorId()).isEqualTo(TokenAudit.UNKNOWN_CLIENT);
        assertThat(event.actorName()).isEqualTo(TokenAudit.UNKNOWN_CLIENT);
        assertThat(event.toString()).doesNotContain(pasted);
    }

    @Test
    void issuedWhenCommittedThenCountedForTheChartAsInEveryModeAndNoStreamOpened() {
        ClientId id = server.defaultClient().client().clientId();
        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((id.value() + ":"
                        + server.defaultClient().secret().reveal()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
        assertThat(answer.statusCode()).isEqualTo(200);
        server.app().tokenCounters().flush();

        Instant now = server.clock().instant();
        long[] hours = server.app().store().tokenCounts().perBucket(TestServer.TENANT, id.value(),
                TokenCountRepository.Outcome.ISSUED, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)),
                Duration.ofHours(1));
        assertThat(hours[0] + hours[1]).isPositive();
        assertThat(server.tokenStream()).isNull();
        assertThat(server.tokenStreamDirectory()).doesNotExist();
    }

    @Test
    void refusalWhenTheClientExistsThenRecordedUnderItsId() {
        String id = server.defaultClient().client().clientId().value();
        HttpResponse<String> answer = server.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + id
                        + "&client_secret=wrong"))
                .build());
        assertThat(answer.statusCode()).isEqualTo(401);

        List<AuditEvent> refused = server.app().store().audit().query(TestServer.TENANT,
                new AuditRepository.Filter(id, null, "token.refused", null, null), 0, 10);
        assertThat(refused).extracting(AuditEvent::actorId).contains(id);
    }
}
