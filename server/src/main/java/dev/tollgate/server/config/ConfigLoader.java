package dev.tollgate.server.config;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.PasswordHashingPool;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.ops.TokenAudit;
import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.server.ops.TokenEventStream;
import dev.tollgate.store.StoreConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration once, in this order, each overriding the one before: the defaults in
 * {@link ConfigKey}, the properties file, the environment ({@code TOLLGATE_*}), and the command
 * line's flags. It parses each value (numbers, durations, files) and leaves the checking of ranges
 * and combinations to the records that hold the settings ({@link ServerConfig}, {@link HttpLimits},
 * {@link TlsConfig}, {@link StoreConfig}, ...), turning their complaints into problems that name the
 * key and where its value came from; every problem is collected before failing, so one run of
 * {@code tollgate config check} shows them all.
 */
public final class ConfigLoader extends ConfigValues {

    /** Where a key's value came from, for messages and {@code config check}. */
    public enum Source { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** The validated configuration, and the raw values with their sources. */
    public record Loaded(ServerConfig server, LogSettings log, Map<ConfigKey, String> values,
                         Map<ConfigKey, Source> sources) {
    }

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
                    () -> problems.add(name + " (file " + file + "): " + UnknownKeys.explain(name)));
        }
    }

    /**
     * Each record checks its own settings; this turns their complaints into problems naming key
     * and source. A value that cannot even be parsed is reported here and replaced by its default,
     * so the records still check every other value and one run lists every problem.
     */
    private Loaded build() {
        String host = text(ConfigKey.HOST);
        int port = integer(ConfigKey.PORT);
        String publicUrl = optional(ConfigKey.PUBLIC_URL);
        TenantId tenant = parse(ConfigKey.DEFAULT_TENANT, value -> {
            if (!TenantId.isValid(value)) {
                throw new IllegalArgumentException("not a tenant id");
            }
            return TenantId.of(value);
        });
        int managementPort = integer(ConfigKey.MANAGEMENT_PORT);
        int maxBody = integer(ConfigKey.MAX_BODY_BYTES);
        StoreConfig store = store();
        HttpLimits limits = build(() -> new HttpLimits(integer(ConfigKey.MAX_HEADER_BYTES),
                integer(ConfigKey.MAX_REQUEST_LINE_BYTES), duration(ConfigKey.IDLE_TIMEOUT),
                integer(ConfigKey.MAX_CONNECTIONS), duration(ConfigKey.REQUEST_TIMEOUT),
                duration(ConfigKey.SHUTDOWN_GRACE), integer(ConfigKey.MANAGEMENT_MAX_CONNECTIONS)), Map.of());
        TlsConfig tls = tls();
        AdminAccounts.Settings sessions = build(() -> new AdminAccounts.Settings(
                duration(ConfigKey.SESSION_IDLE_TIMEOUT), duration(ConfigKey.SESSION_ABSOLUTE_TIMEOUT)),
                Map.of("idleTimeout", ConfigKey.SESSION_IDLE_TIMEOUT,
                        "absoluteTimeout", ConfigKey.SESSION_ABSOLUTE_TIMEOUT));
        Duration retention = duration(ConfigKey.AUDIT_RETENTION);
        ClientAuthenticationGuard.Settings guard = guard();
        FailureLimiter.Settings login = login();
        int hashingPermits = hashingPermits();
        KeyEncryptionKeySource kek = keyEncryptionKey();
        TrustedProxies proxies = build(() -> TrustedProxies.of(list(ConfigKey.TRUSTED_PROXIES)), Map.of());
        Bulkheads bulkheads = build(() -> new Bulkheads(duration(ConfigKey.STORE_OUTAGE_GRACE),
                duration(ConfigKey.STORE_READ_TIMEOUT), integer(ConfigKey.STORE_READ_PERMITS),
                integer(ConfigKey.BULKHEAD_ADMIN_PERMITS), integer(ConfigKey.BULKHEAD_OAUTH_PERMITS)), Map.of());
        TokenAudit.Mode tokenAudit = TokenAudit.Mode.valueOf(
                oneOf(ConfigKey.AUDIT_TOKEN_EVENTS, List.of("stream", "committed", "off")).toUpperCase(Locale.ROOT));
        TokenEventStream.Settings tokenStream = tokenStream();
        Duration countsFlush = duration(ConfigKey.AUDIT_COUNTS_FLUSH_INTERVAL);
        ClientKeyConfig clientKeys = clientKeys();
        LogSettings log = build(() -> new LogSettings(text(ConfigKey.LOG_FORMAT), text(ConfigKey.LOG_LEVEL),
                text(ConfigKey.ACCESS_LOG_LEVEL)), Map.of());

        // Built even when a part failed (that part at its default), so conflicts between keys
        // (management-port equal to port) are listed alongside the other problems.
        ServerConfig.Builder builder = ServerConfig.builder()
                .host(host).port(port).publicUrl(publicUrl).managementPort(managementPort).maxBodyBytes(maxBody)
                .auditRetention(retention).tokenAudit(tokenAudit).tls(tls).loginHashingPermits(hashingPermits)
                .keyEncryptionKey(kek)
                .tokenCountsFlushInterval(countsFlush)
                .clientCertificateHeader(optional(ConfigKey.CLIENT_CERTIFICATE_HEADER));
        if (tokenStream != null) {
            builder.tokenStream(tokenStream);
        }
        if (tenant != null) {
            builder.defaultTenant(tenant);
        }
        if (store != null) {
            builder.store(store);
        }
        if (limits != null) {
            builder.limits(limits);
        }
        if (sessions != null) {
            builder.sessions(sessions);
        }
        if (guard != null) {
            builder.bruteForce(guard);
        }
        if (login != null) {
            builder.loginLimits(login);
        }
        if (proxies != null) {
            builder.trustedProxies(proxies);
        }
        if (bulkheads != null) {
            builder.bulkheads(bulkheads);
        }
        if (clientKeys != null) {
            builder.clientKeys(clientKeys);
        }
        ServerConfig server = build(builder::build, Map.of());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Loaded(server, log, Map.copyOf(values), Map.copyOf(sources));
    }

    private ClientAuthenticationGuard.Settings guard() {
        FailureLimiter.Settings perAddress = build(() -> new FailureLimiter.Settings(
                integer(ConfigKey.ABUSE_ADDRESS_FREE_FAILURES), duration(ConfigKey.ABUSE_BASE_DELAY),
                duration(ConfigKey.ABUSE_MAX_DELAY), integer(ConfigKey.ABUSE_ADDRESS_REFUSE_AFTER),
                duration(ConfigKey.ABUSE_WINDOW), integer(ConfigKey.ABUSE_MAX_TRACKED)),
                Map.of("freeFailures", ConfigKey.ABUSE_ADDRESS_FREE_FAILURES,
                        "refuseAfter", ConfigKey.ABUSE_ADDRESS_REFUSE_AFTER,
                        "baseDelay", ConfigKey.ABUSE_BASE_DELAY, "maxDelay", ConfigKey.ABUSE_MAX_DELAY,
                        "window", ConfigKey.ABUSE_WINDOW, "maxKeys", ConfigKey.ABUSE_MAX_TRACKED));
        return perAddress == null ? null : new ClientAuthenticationGuard.Settings(perAddress);
    }

    /** private_key_jwt's checks and the fetching of jwks_uri. */
    private ClientKeyConfig clientKeys() {
        dev.tollgate.core.token.ClientAssertionSettings assertions = build(
                () -> new dev.tollgate.core.token.ClientAssertionSettings(
                        duration(ConfigKey.CLIENT_ASSERTION_MAX_LIFETIME), duration(ConfigKey.CLIENT_ASSERTION_CLOCK_SKEW),
                        duration(ConfigKey.JWKS_URI_CACHE_TTL), duration(ConfigKey.JWKS_URI_REFETCH_INTERVAL)),
                Map.of("maxLifetime", ConfigKey.CLIENT_ASSERTION_MAX_LIFETIME,
                        "clockSkew", ConfigKey.CLIENT_ASSERTION_CLOCK_SKEW,
                        "jwksCacheTtl", ConfigKey.JWKS_URI_CACHE_TTL,
                        "jwksRefetchEvery", ConfigKey.JWKS_URI_REFETCH_INTERVAL));
        boolean allowPrivate = Boolean.parseBoolean(oneOf(ConfigKey.JWKS_URI_ALLOW_PRIVATE_ADDRESSES,
                List.of("true", "false")));
        return assertions == null ? null : build(() -> new ClientKeyConfig(assertions,
                duration(ConfigKey.JWKS_URI_TIMEOUT), integer(ConfigKey.JWKS_URI_MAX_BYTES), allowPrivate), Map.of());
    }

    /** The console's login limits; the per-account and per-address counts share them. */
    private FailureLimiter.Settings login() {
        return build(() -> new FailureLimiter.Settings(integer(ConfigKey.LOGIN_FREE_FAILURES),
                duration(ConfigKey.LOGIN_BASE_DELAY), duration(ConfigKey.LOGIN_MAX_DELAY),
                integer(ConfigKey.LOGIN_REFUSE_AFTER), duration(ConfigKey.LOGIN_WINDOW),
                FailureLimiter.Settings.loginDefaults().maxKeys()),
                Map.of("freeFailures", ConfigKey.LOGIN_FREE_FAILURES, "baseDelay", ConfigKey.LOGIN_BASE_DELAY,
                        "maxDelay", ConfigKey.LOGIN_MAX_DELAY, "refuseAfter", ConfigKey.LOGIN_REFUSE_AFTER,
                        "window", ConfigKey.LOGIN_WINDOW));
    }

    /** The audit stream's settings; its files under {@code <data-dir>/audit} unless a directory is given. */
    private TokenEventStream.Settings tokenStream() {
        TokenEventStream.Target target = TokenEventStream.Target.valueOf(
                oneOf(ConfigKey.AUDIT_STREAM_TARGET, List.of("file", "stdout")).toUpperCase(Locale.ROOT));
        // Unset: the embedded store's directory decides (ServerConfig.tokenStreamDirectory); with
        // PostgreSQL the store has none, and data-dir still says where local files go.
        Path directory = optional(ConfigKey.AUDIT_STREAM_DIRECTORY) != null ? path(ConfigKey.AUDIT_STREAM_DIRECTORY)
                : optional(ConfigKey.JDBC_URL) == null || path(ConfigKey.DATA_DIR) == null ? null
                : path(ConfigKey.DATA_DIR).resolve("audit");
        return build(() -> new TokenEventStream.Settings(target, directory,
                duration(ConfigKey.AUDIT_STREAM_FLUSH_INTERVAL), bytes(ConfigKey.AUDIT_STREAM_MAX_FILE_SIZE),
                integer(ConfigKey.AUDIT_STREAM_MAX_FILES), duration(ConfigKey.AUDIT_STREAM_RETENTION),
                integer(ConfigKey.AUDIT_STREAM_QUEUE_SIZE)), Map.of());
    }

    /** auto: half the processors, so a login flood leaves the other half to the token path (issue 11). */
    private int hashingPermits() {
        String value = values.get(ConfigKey.LOGIN_HASHING_PERMITS);
        if (!"auto".equalsIgnoreCase(value)) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                problem(ConfigKey.LOGIN_HASHING_PERMITS, "must be a whole number or auto");
            }
        }
        return PasswordHashingPool.defaultPermits();
    }

        private static Map<String, ConfigKey> with(Map<String, ConfigKey> shared, String field1, ConfigKey key1,
                                               String field2, ConfigKey key2) {
        Map<String, ConfigKey> all = new LinkedHashMap<>(shared);
        all.put(field1, key1);
        all.put(field2, key2);
        return all;
    }

    private StoreConfig store() {
        String url = optional(ConfigKey.JDBC_URL);
        int pool = integer(ConfigKey.JDBC_POOL_SIZE);
        Path dataDir = url != null ? null : path(ConfigKey.DATA_DIR);
        if (url == null && dataDir == null) {
            return null;
        }
        // The embedded store has its own fixed user; jdbc-user and jdbc-password are for a database server.
        return build(() -> new StoreConfig(dataDir, url, url == null ? null : optional(ConfigKey.JDBC_USER),
                url == null ? null : optional(ConfigKey.JDBC_PASSWORD), pool),
                Map.of("dataDirectory", ConfigKey.DATA_DIR, "jdbcUrl", ConfigKey.JDBC_URL,
                        "user", ConfigKey.JDBC_USER, "password", ConfigKey.JDBC_PASSWORD,
                        "poolSize", ConfigKey.JDBC_POOL_SIZE));
    }

    /** Null for the default file, which depends on the store. */
    private KeyEncryptionKeySource keyEncryptionKey() {
        String file = optional(ConfigKey.KEK_FILE);
        String base64 = optional(ConfigKey.KEK_BASE64);
        if (base64 != null) {
            if (file != null) {
                problem(ConfigKey.KEK_BASE64, "set either kek.base64 or kek.file, not both");
                return null;
            }
            try {
                return KeyEncryptionKeySource.fixed(KeyEncryptionKey.fromBase64(base64),
                        "kek.base64 (" + sources.get(ConfigKey.KEK_BASE64).name().toLowerCase(Locale.ROOT) + ")");
            } catch (IllegalArgumentException e) {
                problem(ConfigKey.KEK_BASE64, e.getMessage());
                return null;
            }
        }
        if (file == null) {
            return null;
        }
        Path path = path(ConfigKey.KEK_FILE);
        return path == null ? null : new KeyEncryptionKeyFile(path);
    }

    private TlsConfig tls() {
        Path certificate = readableFile(ConfigKey.TLS_CERTIFICATE);
        Path privateKey = readableFile(ConfigKey.TLS_PRIVATE_KEY);
        Path keystore = readableFile(ConfigKey.TLS_KEYSTORE);
        String password = optional(ConfigKey.TLS_KEYSTORE_PASSWORD);
        String redirect = optional(ConfigKey.TLS_REDIRECT_PORT);
        int redirectPort = redirect == null ? 0 : integer(ConfigKey.TLS_REDIRECT_PORT);
        Duration hsts = duration(ConfigKey.TLS_HSTS_MAX_AGE);
        boolean clientCertificates = "optional".equals(oneOf(ConfigKey.TLS_CLIENT_AUTH, List.of("none", "optional")));
        boolean configured = optional(ConfigKey.TLS_CERTIFICATE) != null || optional(ConfigKey.TLS_PRIVATE_KEY) != null
                || optional(ConfigKey.TLS_KEYSTORE) != null;
        if (!configured) {
            if (redirect != null) {
                problem(ConfigKey.TLS_REDIRECT_PORT, "needs TLS (tls.certificate and tls.private-key, or tls.keystore)");
            }
            if (clientCertificates) {
                problem(ConfigKey.TLS_CLIENT_AUTH, "needs TLS (tls.certificate and tls.private-key, or tls.keystore)");
            }
            return null;
        }
        if (hasProblem(ConfigKey.TLS_CERTIFICATE) || hasProblem(ConfigKey.TLS_PRIVATE_KEY)
                || hasProblem(ConfigKey.TLS_KEYSTORE)) {
            return null;
        }
        return build(() -> new TlsConfig(certificate, privateKey, keystore,
                password == null ? new char[0] : password.toCharArray(), redirectPort, hsts, clientCertificates),
                Map.of());
    }

    /**
     * Builds a record, turning each line of its IllegalArgumentException into a problem. A line
     * starts with what it is about: a key, or a field named in {@code fields}; the fields it
     * mentions are written as their keys, and keys not at their default with their source.
     *
     * @return the record, or null when it refused its values
     */
    private <T> T build(Supplier<T> record, Map<String, ConfigKey> fields) {
        try {
            return record.get();
        } catch (IllegalArgumentException e) {
            for (String line : String.valueOf(e.getMessage()).split("\n")) {
                int colon = line.indexOf(": ");
                String about = colon < 0 ? "" : line.substring(0, colon);
                ConfigKey key = fields.containsKey(about) ? fields.get(about) : ConfigKey.byKey(about).orElse(null);
                if (key == null) {
                    problems.add(line);
                    continue;
                }
                String what = line.substring(colon + 2);
                for (Map.Entry<String, ConfigKey> field : fields.entrySet()) {
                    what = what.replaceAll(word(field.getKey()), Matcher.quoteReplacement(field.getValue().key()));
                }
                for (ConfigKey other : ConfigKey.values()) {
                    if (other != key && sources.get(other) != Source.DEFAULT) {
                        what = what.replaceAll(word(other.key()),
                                Matcher.quoteReplacement(other.key() + " (" + origins.get(other) + ")"));
                    }
                }
                problem(key, what);
            }
            return null;
        }
    }

    /** A name standing alone: {@code port}, but not the end of {@code management-port}. */
    private static String word(String name) {
        return "(?<![\\w.-])" + Pattern.quote(name) + "(?![\\w.-])";
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
