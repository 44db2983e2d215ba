package dev.tollgate.server.cli;

import dev.tollgate.store.StoreConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the store is: the embedded one under a data directory, or PostgreSQL by JDBC URL. */
public final class StoreOptions {

    @Option(names = "--data-dir", defaultValue = "${env:TOLLGATE_DATA_DIR:-data}",
            description = "Directory of the embedded store (env TOLLGATE_DATA_DIR, default ./data).")
    Path dataDir;

    @Option(names = "--jdbc-url", defaultValue = "${env:TOLLGATE_JDBC_URL}",
            description = "PostgreSQL JDBC URL; when set, the embedded store is not used (env TOLLGATE_JDBC_URL).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", defaultValue = "${env:TOLLGATE_JDBC_USER}",
            description = "PostgreSQL user (env TOLLGATE_JDBC_USER).")
    String jdbcUser;

    @Option(names = "--jdbc-password", defaultValue = "${env:TOLLGATE_JDBC_PASSWORD}",
            description = "PostgreSQL password; prefer the environment variable TOLLGATE_JDBC_PASSWORD.")
    String jdbcPassword;

    public StoreConfig toStoreConfig() {
        if (jdbcUrl != null && !jdbcUrl.isBlank()) {
            return StoreConfig.jdbc(jdbcUrl, jdbcUser, jdbcPassword);
        }
        return StoreConfig.embedded(dataDir);
    }
}
