package dev.tollgate.server.config;

import java.util.List;

/** The configuration is invalid: each problem names its key, where the value came from, and what is wrong. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
