package dev.tollgate.server;

import dev.tollgate.server.ops.TokenEventStream;

import dev.tollgate.testing.TestClock;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.store.PostgresTestDatabase;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.store.TestKek;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real Tollgate server on 127.0.0.1 and an ephemeral port, on a fresh store (embedded H2 in a
 * temporary directory, or a fresh PostgreSQL database), with tenant {@code 10001} bootstrapped.
 * Tests talk to it over real HTTP.
 */
public final class TestServer implements AutoCloseable {

    public static final TenantId TENANT = TenantId.of("10001");

    public enum Kind { EMBEDDED, POSTGRES }

    private final Kind kind;
    private final Path dataDir;
    private final PostgresTestDatabase postgres;
    private final TestClock clock;
    private final StoreConfig storeConfig;
    /** The audit stream's directory with PostgreSQL; null for the embedded store, whose data directory has it. */
    private final Path streamDir;
    private UnaryOperator<ServerConfig.Builder> settings = UnaryOperator.identity();
    private Tollgate app;
    private TollgateServer server;
    private ServerConfig currentConfig;
    private ProvisionedTenant bootstrapped;
    /** False for a node started {@link #alongside} another: the first one drops the database. */
    private boolean ownsDatabase = true;

    private TestServer(Kind kind, Path dataDir, PostgresTestDatabase postgres, TestClock clock) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.clock = clock;
        this.storeConfig = postgres != null ? postgres.storeConfig() : StoreConfig.embedded(dataDir);
        try {
            this.streamDir = postgres != null ? Files.createTempDirectory("tollgate-stream") : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer embedded() {
        return start(Kind.EMBEDDED);
    }

    /** An embedded server with some settings changed, e.g. {@code b -> b.trustedProxies(...)}. */
    public static TestServer embedded(UnaryOperator<ServerConfig.Builder> settings) {
        try {
            TestServer server = new TestServer(Kind.EMBEDDED, Files.createTempDirectory("tollgate-test"), null,
                    TestClock.startingNow());
            server.settings = settings;
            server.startServer();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer postgres() {
        return start(Kind.POSTGRES);
    }

    /** A server on a fresh PostgreSQL database with some settings changed, e.g. {@code b -> b.bulkheads(...)}. */
    public static TestServer postgres(UnaryOperator<ServerConfig.Builder> settings) {
        TestServer server = new TestServer(Kind.POSTGRES, null, PostgresTestDatabase.create(), TestClock.startingNow());
        server.settings = settings;
        server.startServer();
        return server;
    }

    /**
     * Another node on {@code first}'s PostgreSQL database and clock, with its own settings: what a
     * second instance behind a load balancer is. Close it before {@code first}, which drops the database.
     */
    public static TestServer alongside(TestServer first, UnaryOperator<ServerConfig.Builder> settings) {
        if (first.postgres == null) {
            throw new IllegalArgumentException("nodes share a PostgreSQL database, not an embedded store");
        }
        TestServer server = new TestServer(Kind.POSTGRES, null, first.postgres, first.clock);
        server.ownsDatabase = false;
        server.bootstrapped = first.bootstrapped;
        server.settings = settings;
        server.startServer();
        return server;
    }

    public static TestServer start(Kind kind) {
        return start(kind, UnaryOperator.identity());
    }

    /** A server on either store with some settings changed. */
    public static TestServer start(Kind kind, UnaryOperator<ServerConfig.Builder> settings) {
        try {
            TestServer server = kind == Kind.POSTGRES
                    ? new TestServer(kind, null, PostgresTestDatabase.create(), TestClock.startingNow())
                    : new TestServer(kind, Files.createTempDirectory("tollgate-test"), null, TestClock.startingNow());
            server.settings = settings;
            server.startServer();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() {
        startServer(0);
    }

    private void startServer(int port) {
        // PostgreSQL has no data directory to put the default KEK file beside: a fixed key, not ./tollgate.kek.
        ServerConfig.Builder defaults = ServerConfig.builder().port(port).managementPort(0).store(storeConfig)
                .keyEncryptionKey(postgres != null ? TestKek.SHARED : null).defaultTenant(TENANT);
        if (streamDir != null) {
            // PostgreSQL has no data directory: the stream's files go to this server's own, not ./data.
            defaults.tokenStream(TokenEventStream.Settings.files(streamDir));
        }
        ServerConfig config = settings.apply(defaults).build();
        app = Tollgate.open(config, clock);
        ProvisionedTenant created = app.bootstrap(TENANT).orElse(null);
        if (bootstrapped == null) {
            bootstrapped = created;
        }
        server = TollgateServer.start(app, config);
        currentConfig = config;
    }

    /** Stops the server and closes the store, then starts both again on the same data. */
    public void restart() {
        // Same port, so the issuer (and every token issued before) stays valid, as in a real restart.
        int port = server.port();
        server.close();
        app.close();
        startServer(port);
    }

    /** The token audit stream in the stream mode, null in the others. */
    public TokenEventStream tokenStream() {
        return server.tokenStream();
    }

    /** The audit stream's directory: where tokens.jsonl is written in the stream mode. */
    public Path tokenStreamDirectory() {
        return currentConfig.tokenStreamDirectory();
    }

    public Kind kind() {
        return kind;
    }

    public Tollgate app() {
        return app;
    }

    public TestClock clock() {
        return clock;
    }


    public String baseUrl() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    /** The listener serving metrics and health. */
    public int managementPort() {
        return server.managementPort();
    }

    /** With TLS and a redirect port configured, the plain-HTTP listener that redirects; -1 otherwise. */
    public int redirectPort() {
        return server.redirectPort();
    }

    public String issuer() {
        return baseUrl() + "/t/" + TENANT.value();
    }

    public URI tokenEndpoint() {
        return URI.create(issuer() + "/oauth2/token");
    }

    public URI jwksUri() {
        return URI.create(issuer() + "/oauth2/jwks");
    }

    /** The bootstrapped default credential with its one-time secret. */
    public ClientWithSecret defaultClient() {
        return bootstrapped(BuiltinClient.DEFAULT);
    }

    public ClientWithSecret microserviceClient() {
        return bootstrapped(BuiltinClient.MICROSERVICE);
    }

    /**
     * Grants the bootstrapped default credential the introspection permission, which only the
     * microservice key starts with, for tests that introspect with either.
     */
    public void letDefaultClientIntrospect() {
        app.adminOperations().clients().update(Actor.cli(TENANT), TENANT, defaultClient().client().clientId(),
                new ClientUpdate(null, null, null, null, null, null, null, true));
    }

    private ClientWithSecret bootstrapped(BuiltinClient which) {
        return bootstrapped.clients().stream().filter(c -> c.client().builtin() == which).findFirst().orElseThrow();
    }

    /** Sends a request exactly as given (no redirects, no retries). */
    public HttpResponse<String> send(HttpRequest request) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        app.close();
        if (postgres != null && ownsDatabase) {
            postgres.close();
        }
        for (Path dir : new Path[] {dataDir, streamDir}) {
            if (dir == null) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
