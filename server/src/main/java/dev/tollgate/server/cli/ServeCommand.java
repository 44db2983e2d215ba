package dev.tollgate.server.cli;

import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TollgateServer;
import dev.tollgate.server.TollgateVersion;
import dev.tollgate.server.ops.LogOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.server.config.ConfigException;
import dev.tollgate.server.config.ConfigKey;
import dev.tollgate.server.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Map;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server. The first start creates the default tenant and prints its secrets once.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
                "143:stopped by SIGTERM (130: SIGINT) after finishing in-flight requests and flushing the audit",
                "2:the configuration is invalid (the message names the key)",
                "3:the store could not be opened or migrated",
                "4:a listener could not be opened (port in use, TLS key or certificate unusable)",
                "1:any other failure"})
final class ServeCommand implements Callable<Integer> {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_STORE = 3;
    static final int EXIT_LISTENER = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    StoreOptions store;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (key host, env TOLLGATE_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on; 0 picks a free one (key port, env TOLLGATE_PORT, default 8080).")
    String port;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL clients reach the server at; issuers are <public-url>/t/<tenant> (key public-url, env TOLLGATE_PUBLIC_URL).")
    String publicUrl;

    @Option(names = "--tenant", paramLabel = "ID",
            description = "The default tenant: created on first start, served by the routes that name none such as /oauth/token,"
                    + " and the one other commands use without --tenant (key default-tenant, env TOLLGATE_DEFAULT_TENANT, default 10001).")
    String tenant;

    @Option(names = "--management-port", paramLabel = "PORT",
            description = "Port for /metrics and /health/* on the same host; 0 picks a free one (key management-port, env TOLLGATE_MANAGEMENT_PORT, default 9090).")
    String managementPort;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES", description = "Largest accepted request body (key limits.max-body-bytes, default 65536).")
    String maxBodyBytes;

    @Spec
    CommandSpec spec;

    /** The configuration from file, environment and flags; validated, with every problem named. */
    ConfigLoader.Loaded configuration() {
        Map<ConfigKey, String> flags = ConfigOptions.flags();
        store.addFlags(flags);
        flags.put(ConfigKey.HOST, host);
        flags.put(ConfigKey.PORT, port);
        flags.put(ConfigKey.PUBLIC_URL, publicUrl);
        flags.put(ConfigKey.DEFAULT_TENANT, tenant);
        flags.put(ConfigKey.MANAGEMENT_PORT, managementPort);
        flags.put(ConfigKey.MAX_BODY_BYTES, maxBodyBytes);
        return store.config.load(flags);
    }

    @Override
    public Integer call() throws InterruptedException {
        ConfigLoader.Loaded loaded;
        try {
            loaded = configuration();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().flush();
            return EXIT_CONFIG;
        }
        loaded.log().apply();
        ServerConfig config = loaded.server();
        Tollgate app;
        try {
            app = Tollgate.open(config, Clock.systemUTC());
        } catch (StoreException | IllegalStateException e) {
            // The message names the store and the cause (no such role, connection refused, ...).
            LOG.error("cannot open the store: {}", e.getMessage());
            LogOutput.flush();
            return EXIT_STORE;
        }
        // The listeners open before the bootstrap so that secrets are printed only by a start that
        // then serves: a port in use must not use up the one-time secrets of a first start.
        TollgateServer server;
        try {
            server = TollgateServer.start(app, config);
        } catch (StoreException e) {
            app.close();
            LOG.error("the store failed during start: {}", e.getMessage());
            LogOutput.flush();
            return EXIT_STORE;
        } catch (RuntimeException e) {
            app.close();
            LOG.error("cannot open a listener: {}", e.getMessage(), e);
            LogOutput.flush();
            return EXIT_LISTENER;
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try {
            app.bootstrap(config.defaultTenant()).ifPresent(created -> printSecretsOnce(out, created));
            if (app.directory().tenant(config.defaultTenant()).isPresent()) {
                app.adminAccounts().bootstrap(config.defaultTenant()).ifPresent(admin -> printAdminPasswordOnce(out, admin));
            }
        } catch (StoreException e) {
            server.close();
            app.close();
            LOG.error("the store failed during start: {}", e.getMessage());
            LogOutput.flush();
            return EXIT_STORE;
        }
        String base = server.baseUrl();
        out.println("Tollgate " + TollgateVersion.current() + " listening on " + base + "  token endpoint: "
                + base + "/t/" + config.defaultTenant() + "/oauth2/token"
                + "  metrics and health: port " + server.managementPort());
        out.println("Console: " + base + "/console   Start page with the metadata, keys and docs: " + base + "/");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicInteger exitCode = new AtomicInteger();
        // Stop accepting, let in-flight requests finish (timeouts.shutdown-grace), then flush the
        // token audit's last batch and close the store.
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("stopping: finishing in-flight requests");
                server.close();
                app.close();
                LOG.info("stopped");
                stopped.countDown();
            }
        };
        // SIGTERM and SIGINT run the stop before the JVM's shutdown begins, then exit 143 / 130 as a
        // signalled process would. From a shutdown hook it raced with H2's own hook, which closed the
        // database under requests still finishing (LifecycleIT, under load); H2 can't have that hook
        // off while AUTO_SERVER is on.
        for (String name : new String[]{"TERM", "INT"}) {
            int code = name.equals("TERM") ? 143 : 130;
            try {
                // The stop runs on its own thread (a signal handler must return); main then returns
                // the code, so Main's one System.exit is the only one and the log is flushed first.
                Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("tollgate-stop").start(() -> {
                    exitCode.compareAndSet(0, code);
                    stop.run();
                }));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("no handler for SIG{} here; the shutdown hook stops the server", name);
            }
        }
        // Any other way out (System.exit elsewhere, a signal without a handler) still stops cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "tollgate-shutdown"));
        stopped.await();
        return exitCode.get();
    }

    /** Like the client secrets: standard output, once. */
    static void printAdminPasswordOnce(PrintWriter out, AdminWithPassword admin) {
        out.println("Console admin '" + admin.admin().username() + "' created with password " + admin.password()
                + " (shown only now; it must be changed at first login).");
        out.flush();
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
