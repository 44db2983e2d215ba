package dev.tollgate.server.cli;

import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.TenantAdministration.ProvisionedTenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server. The first start creates the default tenant and prints its secrets once.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--host", defaultValue = "${env:TOLLGATE_HOST:-127.0.0.1}",
            description = "Address to listen on (env TOLLGATE_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "${env:TOLLGATE_PORT:-8080}",
            description = "Port to listen on; 0 picks a free one (env TOLLGATE_PORT, default 8080).")
    int port;

    @Option(names = "--public-url", defaultValue = "${env:TOLLGATE_PUBLIC_URL}",
            description = "Base URL clients reach the server at; issuers are <public-url>/t/<tenant> (env TOLLGATE_PUBLIC_URL).")
    String publicUrl;

    @Option(names = "--tenant", defaultValue = "${env:TOLLGATE_DEFAULT_TENANT:-10001}",
            description = "Tenant created on first start and served by /oauth/token (env TOLLGATE_DEFAULT_TENANT, default 10001).")
    String tenant;

    @Option(names = "--management-port", defaultValue = "${env:TOLLGATE_MANAGEMENT_PORT:-9090}",
            description = "Port for /metrics and /health/* on the same host; 0 picks a free one "
                    + "(env TOLLGATE_MANAGEMENT_PORT, default 9090).")
    int managementPort;

    @Option(names = "--max-body-bytes", defaultValue = "65536", description = "Largest accepted request body.")
    int maxBodyBytes;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = new ServerConfig(host, port, publicUrl, store.toStoreConfig(), TenantId.of(tenant),
                maxBodyBytes, managementPort);
        Tollgate app = Tollgate.open(config, Clock.systemUTC());
        TollgateServer server;
        try {
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            app.bootstrap(config.defaultTenant()).ifPresent(created -> printSecretsOnce(out, created));
            server = TollgateServer.start(app, config);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        System.out.println("Tollgate listening on " + server.baseUrl() + "  token endpoint: "
                + server.baseUrl() + "/t/" + config.defaultTenant() + "/oauth2/token"
                + "  metrics and health: port " + server.managementPort());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            app.close();
            stopped.countDown();
        }, "tollgate-shutdown"));
        stopped.await();
        return 0;
    }

    /** Secrets go to standard output, never to the log: they are for the person at the terminal, once. */
    static void printSecretsOnce(PrintWriter out, ProvisionedTenant created) {
        out.println("Created tenant " + created.tenant().id() + ". Client secrets are shown only now; store them safely:");
        for (ClientWithSecret c : created.clients()) {
            out.printf("  %-32s client_id=%s client_secret=%s%n", c.client().name(), c.client().clientId(),
                    c.secret().reveal());
        }
        out.flush();
    }
}
