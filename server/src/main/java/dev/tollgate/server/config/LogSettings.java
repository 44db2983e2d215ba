package dev.tollgate.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The log settings; {@link #apply} hands them to Logback's configuration (logback.xml). */
public record LogSettings(String format, String level, String accessLevel) {

    private static final List<String> FORMATS = List.of("auto", "json", "text");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** Case-insensitive; kept as logback.xml spells them. */
    public LogSettings {
        format = format == null ? null : format.toLowerCase(Locale.ROOT);
        level = level == null ? null : level.toUpperCase(Locale.ROOT);
        accessLevel = accessLevel == null ? null : accessLevel.toUpperCase(Locale.ROOT);
        List<String> problems = new ArrayList<>();
        if (!FORMATS.contains(format)) {
            problems.add("log.format: must be one of " + String.join(", ", FORMATS));
        }
        if (!LEVELS.contains(level)) {
            problems.add("log.level: must be one of " + String.join(", ", LEVELS));
        }
        if (!LEVELS.contains(accessLevel)) {
            problems.add("log.access-level: must be one of " + String.join(", ", LEVELS));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /**
     * logback.xml reads these names as variables; an operator's own environment variables of
     * the same names were already merged in by the loader. If Logback started before the file
     * was read, it is configured again so the file's values take effect.
     */
    public void apply() {
        System.setProperty("TOLLGATE_LOG_FORMAT", dev.tollgate.server.ops.LogOutput.resolve(format));
        System.setProperty("TOLLGATE_LOG_LEVEL", level);
        System.setProperty("TOLLGATE_ACCESS_LOG_LEVEL", accessLevel);
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.reset();
            try {
                new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
            } catch (ch.qos.logback.core.joran.spi.JoranException e) {
                throw new IllegalStateException("logback.xml: " + e.getMessage(), e);
            }
        }
    }
}
