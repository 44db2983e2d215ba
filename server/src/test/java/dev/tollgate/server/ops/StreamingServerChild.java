package dev.tollgate.server.ops;

import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import dev.tollgate.store.StoreConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * The process {@link TokenStreamKillTest} kills: a server in the stream mode, asking itself for
 * tokens one after another and printing {@code acked <n>} after each answer, until killed.
 * Arguments: the data directory, the stream's flush interval in milliseconds.
 */
public final class StreamingServerChild {

    private StreamingServerChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[1]));
        TenantId tenant = TenantId.of("10001");
        ServerConfig config = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(data))
                .defaultTenant(tenant).tokenAudit(TokenAudit.Mode.STREAM)
                .tokenStream(new TokenEventStream.Settings(TokenEventStream.Target.FILE, null, interval,
                        TokenEventStream.Settings.DEFAULT_MAX_FILE_BYTES, TokenEventStream.Settings.DEFAULT_MAX_FILES,
                        TokenEventStream.Settings.DEFAULT_RETENTION, TokenEventStream.Settings.DEFAULT_QUEUE_CAPACITY))
                .build();
        Tollgate app = Tollgate.open(config, Clock.systemUTC());
        ClientWithSecret client = app.bootstrap(tenant).orElseThrow().clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
        TollgateServer server = TollgateServer.start(app, config);
        URI endpoint = URI.create(server.baseUrl() + "/t/" + tenant.value() + "/oauth2/token");
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (client.client().clientId().value() + ":" + client.secret().reveal())
                                .getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (long acked = 1; ; acked++) {
                HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("token request answered " + answer.statusCode());
                }
                System.out.println("acked " + acked);
            }
        }
    }
}
