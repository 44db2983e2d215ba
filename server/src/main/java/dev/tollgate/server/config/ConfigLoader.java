package dev.tollgate.server.config;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.store.StoreConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration once, in this order, each overriding the one before: the defaults in
 * {@link ConfigKey}, the properties file, the environment ({@code TOLLGATE_*}), and the command
 * line's flags. Then validates every key, collecting every problem (each naming its key and where
 * the value came from) before failing, so one run of {@code tollgate config check} shows them all.
 */
public final class ConfigLoader {

    /** Where a key's value came from, for messages and {@code config check}. */
    public enum Source { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** The validated configuration, and the raw values with their sources. */
    public record Loaded(ServerConfig server, LogSettings log, Map<ConfigKey, String> values,
                         Map<ConfigKey, Source> sources) {
    }

    /** The log settings; {@link #apply} hands them to Logback's configuration (logback.xml). */
    public record LogSettings(String format, String level, String accessLevel) {

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

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, Source> sources = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /**
     * @param file  the properties file, or null for none
     * @param env   the environment (System.getenv() outside tests)
     * @param flags values given on the command line; a null value counts as not given
     * @throws ConfigException naming every bad key
     */
    public static Loaded load(Path file, Map<String, String> env, Map<ConfigKey, String> flags) {
        ConfigLoader loader = new ConfigLoader();
        for (ConfigKey key : ConfigKey.values()) {
            loader.put(key, key.defaultValue(), Source.DEFAULT, "default");
        }
        if (file != null) {
            loader.readFile(file);
        }
        for (ConfigKey key : ConfigKey.values()) {
            String value = env.get(key.envName());
            if (value != null) {
                loader.put(key, value, Source.ENVIRONMENT, "environment variable " + key.envName());
            }
        }
        flags.forEach((key, value) -> {
            if (value != null) {
                loader.put(key, value, Source.FLAG, "command-line flag --" + key.key());
            }
        });
        return loader.build();
    }

    private void put(ConfigKey key, String value, Source source, String origin) {
        values.put(key, value.strip());
        sources.put(key, source);
        origins.put(key, origin);
    }

    private void readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(List.of("config file " + file + ": cannot be read (" + e.getMessage() + ")"));
        }
        for (String name : properties.stringPropertyNames().stream().sorted().toList()) {
            ConfigKey.byKey(name).ifPresentOrElse(
                    key -> put(key, properties.getProperty(name), Source.FILE, "file " + file),
                    () -> problems.add(name + " (file " + file + "): unknown key" + suggestion(name)));
        }
    }

    /** A typo's likely meaning: the known key with the fewest edits, if it is close. */
    private static String suggestion(String unknown) {
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            int distance = editDistance(unknown, key.key());
            if (distance < bestDistance) {
                best = key;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= 3 ? "; did you mean " + best.key() + "?" : "; see docs/CONFIGURATION.md";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Loaded build() {
        String host = text(ConfigKey.HOST);
        if (host.isEmpty()) {
            problem(ConfigKey.HOST, "must not be empty");
        }
        int port = integer(ConfigKey.PORT, 0, 65535);
        String publicUrl = optional(ConfigKey.PUBLIC_URL);
        if (publicUrl != null && !publicUrl.strip().replaceAll("/+$", "").matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
            problem(ConfigKey.PUBLIC_URL, "must be an http(s) URL without query or fragment");
        }
        TenantId tenant = parse(ConfigKey.DEFAULT_TENANT, value -> {
            if (!TenantId.isValid(value)) {
                throw new IllegalArgumentException("not a tenant id");
            }
            return TenantId.of(value);
        });
        int managementPort = integer(ConfigKey.MANAGEMENT_PORT, 0, 65535);
        if (managementPort != 0 && managementPort == port) {
            problem(ConfigKey.MANAGEMENT_PORT, "must differ from port (" + origins.get(ConfigKey.PORT) + ")");
        }
        StoreConfig store = store();
        int maxBody = integer(ConfigKey.MAX_BODY_BYTES, 1024, 1024 * 1024);
        int maxHeader = integer(ConfigKey.MAX_HEADER_BYTES, 1024, 1024 * 1024);
        int maxLine = integer(ConfigKey.MAX_REQUEST_LINE_BYTES, 256, 65536);
        Duration idle = duration(ConfigKey.IDLE_TIMEOUT, Duration.ofSeconds(1));
        int maxConnections = integer(ConfigKey.MAX_CONNECTIONS, 1, 1_000_000);
        Duration requestTimeout = duration(ConfigKey.REQUEST_TIMEOUT, Duration.ofSeconds(1));
        Duration grace = duration(ConfigKey.SHUTDOWN_GRACE, Duration.ZERO);
        TlsConfig tls = tls();
        Duration sessionIdle = duration(ConfigKey.SESSION_IDLE_TIMEOUT, Duration.ofMinutes(1));
        Duration sessionAbsolute = duration(ConfigKey.SESSION_ABSOLUTE_TIMEOUT, Duration.ofMinutes(1));
        if (sessionIdle != null && sessionAbsolute != null && sessionIdle.compareTo(sessionAbsolute) > 0) {
            problem(ConfigKey.SESSION_IDLE_TIMEOUT, "must not exceed console.session-absolute-timeout");
        }
        Duration retention = duration(ConfigKey.AUDIT_RETENTION, Duration.ofDays(1));
        ClientAuthenticationGuard.Settings guard = guard();
        TokenAudit.Mode tokenAudit = TokenAudit.Mode.valueOf(
                oneOf(ConfigKey.AUDIT_TOKEN_EVENTS, List.of("committed", "off")).toUpperCase(Locale.ROOT));
        String format = oneOf(ConfigKey.LOG_FORMAT, List.of("auto", "json", "text"));
        String level = oneOf(ConfigKey.LOG_LEVEL, LEVELS);
        String accessLevel = oneOf(ConfigKey.ACCESS_LOG_LEVEL, LEVELS);

        ServerConfig server = null;
        if (problems.isEmpty()) {
            try {
                server = ServerConfig.builder()
                        .host(host).port(port).publicUrl(publicUrl).store(store).defaultTenant(tenant)
                        .maxBodyBytes(maxBody).managementPort(managementPort)
                        .limits(new HttpLimits(maxHeader, maxLine, idle, maxConnections, requestTimeout, grace))
                        .tls(tls).sessions(new AdminAccounts.Settings(sessionIdle, sessionAbsolute))
                        .auditRetention(retention).bruteForce(guard).tokenAudit(tokenAudit)
                        .build();
            } catch (IllegalArgumentException e) {
                // The records' own checks name their key first ("management-port: must differ ...").
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Loaded(server, new LogSettings(format, level, accessLevel), Map.copyOf(values), Map.copyOf(sources));
    }

    private ClientAuthenticationGuard.Settings guard() {
        int addressFree = integer(ConfigKey.ABUSE_ADDRESS_FREE_FAILURES, 0, 1_000_000);
        int addressRefuse = integer(ConfigKey.ABUSE_ADDRESS_REFUSE_AFTER, 1, 1_000_000);
        int clientFree = integer(ConfigKey.ABUSE_CLIENT_FREE_FAILURES, 0, 1_000_000);
        int clientRefuse = integer(ConfigKey.ABUSE_CLIENT_REFUSE_AFTER, 1, 1_000_000);
        Duration maxDelay = duration(ConfigKey.ABUSE_MAX_DELAY, Duration.ofSeconds(1));
        Duration window = duration(ConfigKey.ABUSE_WINDOW, Duration.ofSeconds(1));
        if (addressRefuse <= addressFree) {
            problem(ConfigKey.ABUSE_ADDRESS_REFUSE_AFTER, "must be greater than abuse.address.free-failures");
        }
        if (clientRefuse <= clientFree) {
            problem(ConfigKey.ABUSE_CLIENT_REFUSE_AFTER, "must be greater than abuse.client.free-failures");
        }
        if (maxDelay == null || window == null || addressRefuse <= addressFree || clientRefuse <= clientFree) {
            return ClientAuthenticationGuard.Settings.DEFAULTS;
        }
        ClientAuthenticationGuard.Settings defaults = ClientAuthenticationGuard.Settings.DEFAULTS;
        try {
            return new ClientAuthenticationGuard.Settings(
                    new FailureLimiter.Settings(addressFree, defaults.perAddress().baseDelay(), maxDelay, addressRefuse,
                            window, defaults.perAddress().maxKeys()),
                    new FailureLimiter.Settings(clientFree, defaults.perClientId().baseDelay(), maxDelay, clientRefuse,
                            window, defaults.perClientId().maxKeys()),
                    defaults.knownAddressMemory(), defaults.maxKnownAddresses());
        } catch (IllegalArgumentException e) {
            problem(ConfigKey.ABUSE_MAX_DELAY, e.getMessage());
            return defaults;
        }
    }

    private StoreConfig store() {
        String url = optional(ConfigKey.JDBC_URL);
        int pool = integer(ConfigKey.JDBC_POOL_SIZE, 1, 1000);
        try {
            StoreConfig store = url != null
                    ? StoreConfig.jdbc(url, optional(ConfigKey.JDBC_USER), optional(ConfigKey.JDBC_PASSWORD))
                    : StoreConfig.embedded(Path.of(text(ConfigKey.DATA_DIR)));
            return store.withPoolSize(Math.max(1, pool));
        } catch (IllegalArgumentException e) {
            problem(url != null ? ConfigKey.JDBC_URL : ConfigKey.DATA_DIR, e.getMessage());
            return null;
        }
    }

    private TlsConfig tls() {
        int before = problems.size();
        Path certificate = readableFile(ConfigKey.TLS_CERTIFICATE);
        Path privateKey = readableFile(ConfigKey.TLS_PRIVATE_KEY);
        Path keystore = readableFile(ConfigKey.TLS_KEYSTORE);
        String password = optional(ConfigKey.TLS_KEYSTORE_PASSWORD);
        String redirect = optional(ConfigKey.TLS_REDIRECT_PORT);
        int redirectPort = redirect == null ? 0 : integer(ConfigKey.TLS_REDIRECT_PORT, 1, 65535);
        Duration hsts = duration(ConfigKey.TLS_HSTS_MAX_AGE, Duration.ZERO);
        boolean configured = optional(ConfigKey.TLS_CERTIFICATE) != null || optional(ConfigKey.TLS_PRIVATE_KEY) != null
                || optional(ConfigKey.TLS_KEYSTORE) != null;
        if (!configured) {
            if (redirect != null) {
                problem(ConfigKey.TLS_REDIRECT_PORT, "needs TLS (tls.certificate and tls.private-key, or tls.keystore)");
            }
            return null;
        }
        if (problems.size() > before) {
            return null;
        }
        if (keystore == null && (certificate == null) != (privateKey == null)) {
            ConfigKey missing = certificate == null ? ConfigKey.TLS_CERTIFICATE : ConfigKey.TLS_PRIVATE_KEY;
            ConfigKey given = certificate == null ? ConfigKey.TLS_PRIVATE_KEY : ConfigKey.TLS_CERTIFICATE;
            problem(missing, "required with " + given.key() + " (" + origins.get(given) + ")");
            return null;
        }
        if (keystore != null && (certificate != null || privateKey != null)) {
            problem(ConfigKey.TLS_KEYSTORE, "give either tls.certificate with tls.private-key, or tls.keystore, not both");
            return null;
        }
        try {
            return new TlsConfig(certificate, privateKey, keystore, password == null ? new char[0] : password.toCharArray(),
                    redirectPort, hsts == null ? Duration.ZERO : hsts);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- value parsers

    private String text(ConfigKey key) {
        return values.get(key);
    }

    private String optional(ConfigKey key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    private void problem(ConfigKey key, String what) {
        String shown = key.isSecret() ? "(secret)" : "'" + values.get(key) + "'";
        problems.add(key.key() + " (" + origins.get(key) + "): " + what + ", was " + shown);
    }

    private <T> T parse(ConfigKey key, Function<String, T> parser) {
        try {
            return parser.apply(values.get(key));
        } catch (RuntimeException e) {
            problem(key, e.getMessage() == null ? "invalid" : e.getMessage());
            return null;
        }
    }

    private int integer(ConfigKey key, int min, int max) {
        String value = values.get(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(key, "must be a whole number from " + min + " to " + max);
        return min;
    }

    private String oneOf(ConfigKey key, List<String> allowed) {
        String value = values.get(key);
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        problem(key, "must be one of " + String.join(", ", allowed));
        return allowed.get(0);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT30S}). */
    private Duration duration(ConfigKey key, Duration min) {
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

    private Path readableFile(ConfigKey key) {
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

    /** Every key with its effective value (secrets masked) and source, for {@code config check}. */
    public static Map<String, String> describe(Loaded loaded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            String value = loaded.values().get(key);
            String shown = key.isSecret() && value != null && !value.isEmpty() ? "********" : value;
            out.put(key.key(), shown + "  (" + loaded.sources().get(key).name().toLowerCase(Locale.ROOT) + ")");
        }
        return out;
    }
}
