package dev.tollgate.server.cli;

import dev.tollgate.server.config.ConfigKey;
import dev.tollgate.server.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code --config FILE} (or {@code TOLLGATE_CONFIG}): the properties file every command reads
 * before the environment and its own flags.
 */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:TOLLGATE_CONFIG}",
            description = "Configuration file (Java properties; keys in docs/CONFIGURATION.md). Env TOLLGATE_CONFIG.")
    Path file;

    /** Loads file, environment and the given flags (null values are flags not given). */
    ConfigLoader.Loaded load(Map<ConfigKey, String> flags) {
        return ConfigLoader.load(file, System.getenv(), flags);
    }

    static Map<ConfigKey, String> flags() {
        return new EnumMap<>(ConfigKey.class);
    }
}
