package dev.tollgate.server.cli;

import dev.tollgate.server.config.ConfigKey;
import dev.tollgate.server.config.ConfigLoader;
import dev.tollgate.store.StoreConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * Where the store is: the embedded one under a data directory, or PostgreSQL by JDBC URL. The
 * flags override the configuration file and the environment ({@code data-dir}, {@code jdbc-url},
 * {@code jdbc-user}, {@code jdbc-password}); {@code jdbc-pool-size} has no flag.
 */
public final class StoreOptions {

    @Mixin
    ConfigOptions config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the embedded store (key data-dir, env TOLLGATE_DATA_DIR, default ./data).")
    String dataDir;

    @Option(names = "--jdbc-url", paramLabel = "URL", description = "PostgreSQL JDBC URL; when set, the embedded store is not used (key jdbc-url, env TOLLGATE_JDBC_URL).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "PostgreSQL user (key jdbc-user, env TOLLGATE_JDBC_USER).")
    String jdbcUser;

    @Option(names = "--jdbc-password", paramLabel = "PASSWORD", description = "PostgreSQL password; prefer the environment variable TOLLGATE_JDBC_PASSWORD.")
    String jdbcPassword;

    void addFlags(Map<ConfigKey, String> flags) {
        flags.put(ConfigKey.DATA_DIR, dataDir);
        flags.put(ConfigKey.JDBC_URL, jdbcUrl);
        flags.put(ConfigKey.JDBC_USER, jdbcUser);
        flags.put(ConfigKey.JDBC_PASSWORD, jdbcPassword);
    }

    public StoreConfig toStoreConfig() {
        return load().server().store();
    }

    /** File, environment and these flags, validated. */
    ConfigLoader.Loaded load() {
        Map<ConfigKey, String> flags = ConfigOptions.flags();
        addFlags(flags);
        return config.load(flags);
    }
}
