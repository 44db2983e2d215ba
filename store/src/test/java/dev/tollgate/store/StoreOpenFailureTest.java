package dev.tollgate.store;

import dev.tollgate.core.store.StoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store that can't be opened says why, in the exception's message, which is what {@code serve}
 * and the CLI print: the operator must not have to guess between a missing role, a missing
 * database, a wrong password, nothing listening, no answer, or a schema from a newer version.
 */
class StoreOpenFailureTest {

    private static PostgresTestDatabase database;

    @TempDir
    Path temp;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void openWhenTheRoleDoesNotExistThenTheMessageNamesTheRole() {
        StoreConfig config = StoreConfig.jdbc(database.jdbcUrl(), "tollgate_no_such_role", null);

        assertThatThrownBy(() -> JdbcStore.open(config, TestKek.SHARED))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no such role \"tollgate_no_such_role\"")
                .hasMessageContaining("jdbc-user");
    }

    @Test
    void openWhenTheDatabaseDoesNotExistThenTheMessageNamesTheDatabase() {
        String url = PostgresTestDatabase.withDatabase(database.jdbcUrl(), "tollgate_no_such_database");
        StoreConfig config = StoreConfig.jdbc(url, database.user(), database.password());

        assertThatThrownBy(() -> JdbcStore.open(config, TestKek.SHARED))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no such database \"tollgate_no_such_database\"")
                .hasMessageContaining("createdb");
    }

    @Test
    void openWhenNothingListensThenConnectionRefused() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        StoreConfig config = StoreConfig.jdbc("jdbc:postgresql://127.0.0.1:" + closedPort + "/test", "postgres", null);

        assertThatThrownBy(() -> JdbcStore.open(config, TestKek.SHARED))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("connection refused");
    }

    @Test
    void openWhenTheServerAcceptsButNeverAnswersThenTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // and never a byte back
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            StoreConfig config = StoreConfig.jdbc("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test",
                    "postgres", null);

            long start = System.nanoTime();
            assertThatThrownBy(() -> JdbcStore.open(config, TestKek.SHARED))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the pool's 2 s limit, not a hang")
                    .isLessThan(Duration.ofSeconds(30));
            silent.close();
            acceptor.join();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void openWhenANewerTollgateMigratedTheSchemaThenRefusedNamingBothVersions() throws SQLException {
        Path directory = temp.resolve("data");
        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(directory), TestKek.SHARED);
             Connection connection = store.dataSource().getConnection();
             Statement sql = connection.createStatement()) {
            sql.executeUpdate("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
                    + " \"type\", \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\")"
                    + " VALUES (999, '999', 'from the future', 'SQL', 'V999__future.sql', 0, 'test', 1, TRUE)");
        }

        assertThatThrownBy(() -> JdbcStore.open(StoreConfig.embedded(directory), TestKek.SHARED))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema is at version 999")
                .hasMessageContaining("newer than this Tollgate knows");
    }

    @Test
    void explainWhenThePasswordIsRefusedThenAuthenticationFailedNamingTheUser() {
        // Local servers here trust loopback, so a wrong password can't be provoked end to end.
        PSQLException refused = new PSQLException("FATAL: password authentication failed for user \"tollgate\"",
                PSQLState.INVALID_PASSWORD);

        assertThat(StoreFailure.explain(new RuntimeException("Failed to initialize pool", refused)))
                .startsWith("authentication failed for user \"tollgate\"")
                .contains("jdbc-password");
    }

    @Test
    void explainWhenUnknownHostThenTheHostIsNamed() {
        StoreConfig config = StoreConfig.jdbc("jdbc:postgresql://no-such-host.invalid:5432/test", "postgres", null);

        assertThatThrownBy(() -> JdbcStore.open(config, TestKek.SHARED))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unknown host");
    }

    @Test
    void explainWhenTheDiskIsFullThenNoSpaceLeftNamedRatherThanTheDriversWords() {
        // How H2 reports a lock file it can't write: an 08 SQLState over the JDK's ENOSPC.
        SQLException opening = new SQLException("Error opening database: \"Could not save properties\"", "08000",
                new IOException("No space left on device"));

        assertThat(StoreFailure.explain(new RuntimeException("Failed to initialize pool", opening)))
                .isEqualTo("no space left on the device that holds the store: free some space on it");
    }

    @Test
    void explainWhenNothingIsKnownThenTheInnermostMessage() {
        assertThat(StoreFailure.explain(new IllegalStateException("outer", new IOException("disk on fire"))))
                .isEqualTo("disk on fire");
    }

    @SuppressWarnings("unused")
    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
