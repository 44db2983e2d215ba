package dev.tollgate.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw values {@link ConfigLoader} collected, where each came from, and their parsers: a value
 * that does not parse is reported once, naming its key and source, and replaced by its default so
 * that the records still check everything else and one run lists every problem.
 */
abstract class ConfigValues {

    private static final Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*(KB|MB|GB)?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    final Map<ConfigKey, ConfigLoader.Source> sources = new EnumMap<>(ConfigKey.class);
    final Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);
    final List<String> problems = new ArrayList<>();
    final Set<ConfigKey> reported = EnumSet.noneOf(ConfigKey.class);

    /** A comma-separated list; blanks between commas are ignored. */
    List<String> list(ConfigKey key) {
        return Arrays.stream(text(key).split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
    }


    String text(ConfigKey key) {
        return values.get(key);
    }

    String optional(ConfigKey key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    /** One problem per key: the first found is the one to fix, and later ones may follow from it. */
    void problem(ConfigKey key, String what) {
        if (!reported.add(key)) {
            return;
        }
        String value = values.get(key);
        String shown = value == null || value.isEmpty() ? "" : ", was " + (key.isSecret() ? "(secret)" : "'" + value + "'");
        problems.add(key.key() + " (" + origins.get(key) + "): " + what + shown);
    }

    boolean hasProblem(ConfigKey key) {
        return reported.contains(key);
    }

    <T> T parse(ConfigKey key, Function<String, T> parser) {
        try {
            return parser.apply(values.get(key));
        } catch (RuntimeException e) {
            problem(key, e.getMessage() == null ? "invalid" : e.getMessage());
            return null;
        }
    }

    /** A whole number; its range is the record's to check. On a problem, the default. */
    int integer(ConfigKey key) {
        try {
            return Integer.parseInt(values.get(key));
        } catch (NumberFormatException e) {
            problem(key, "must be a whole number");
            return key.defaultValue().isEmpty() ? 0 : Integer.parseInt(key.defaultValue());
        }
    }

    /** A size in bytes: {@code 1048576}, {@code 512KB}, {@code 100MB}, {@code 2GB} (powers of 1024). On a problem, the default. */
    long bytes(ConfigKey key) {
        Long parsed = parseBytes(values.get(key));
        if (parsed == null) {
            problem(key, "must be a size such as 1048576, 512KB, 100MB or 2GB");
            return parseBytes(key.defaultValue());
        }
        return parsed;
    }

    static Long parseBytes(String value) {
        Matcher m = value == null ? null : BYTES.matcher(value.strip().toUpperCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            return null;
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "KB" -> 10;
            case "MB" -> 20;
            default -> 30;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > (Long.MAX_VALUE >> shift) ? null : n << shift;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String oneOf(ConfigKey key, List<String> allowed) {
        String value = values.get(key);
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        problem(key, "must be one of " + String.join(", ", allowed));
        return allowed.get(0);
    }

    /** A duration; its range is the record's to check. On a problem, the default. */
    Duration duration(ConfigKey key) {
        Duration parsed = parseDuration(values.get(key));
        if (parsed == null) {
            problem(key, "must be a duration such as 500ms, 30s, 5m, 2h or 7d");
            return parseDuration(key.defaultValue());
        }
        return parsed;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT30S}). */
    Duration duration(ConfigKey key, Duration min) {
        String value = values.get(key);
        Duration parsed = parseDuration(value);
        if (parsed == null) {
            problem(key, "must be a duration such as 500ms, 30s, 5m, 2h or 7d");
            return null;
        }
        if (parsed.compareTo(min) < 0) {
            problem(key, "must be at least " + min);
            return null;
        }
        return parsed;
    }

    static Duration parseDuration(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    Path readableFile(ConfigKey key) {
        String value = optional(key);
        if (value == null) {
            return null;
        }
        try {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                problem(key, "no readable file there");
                return null;
            }
            return path;
        } catch (java.nio.file.InvalidPathException e) {
            problem(key, "not a path");
            return null;
        }
    }

    Path path(ConfigKey key) {
        try {
            return Path.of(text(key));
        } catch (java.nio.file.InvalidPathException e) {
            problem(key, "not a path");
            return null;
        }
    }
}
