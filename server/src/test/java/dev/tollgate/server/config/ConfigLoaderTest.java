package dev.tollgate.server.config;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.config.ConfigLoader.Loaded;
import dev.tollgate.server.config.ConfigLoader.Source;
import dev.tollgate.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The configuration loader (issue 5, point 1): defaults, the file &lt; environment &lt; flag
 * order, and a message for every bad value that names its key and where the value came from,
 * all problems at once.
 */
class ConfigLoaderTest {

    private static final Map<String, String> NO_ENV = Map.of();
    private static final Map<ConfigKey, String> NO_FLAGS = Map.of();

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- defaults and precedence

    @Test
    void loadWhenNoFileNoEnvironmentAndNoFlagsThenEveryKeyHasItsDocumentedDefault() {
        Loaded loaded = ConfigLoader.load(null, NO_ENV, NO_FLAGS);
        ServerConfig server = loaded.server();

        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isEqualTo(8080);
        assertThat(server.publicUrl()).isNull();
        assertThat(server.defaultTenant()).isEqualTo(TenantId.of("10001"));
        assertThat(server.managementPort()).isEqualTo(9090);
        assertThat(server.store()).isEqualTo(StoreConfig.embedded(Path.of("data")).withPoolSize(10));
        assertThat(server.maxBodyBytes()).isEqualTo(65536);
        assertThat(server.limits()).isEqualTo(HttpLimits.DEFAULTS);
        assertThat(server.limits()).isEqualTo(new HttpLimits(16384, 4096, Duration.ofMinutes(2),
                10_000, Duration.ofSeconds(30), Duration.ofSeconds(10), 100));
        assertThat(server.tls()).isNull();
        assertThat(server.scheme()).isEqualTo("http");
        assertThat(server.sessions()).isEqualTo(AdminAccounts.Settings.DEFAULTS);
        assertThat(server.sessions()).isEqualTo(new AdminAccounts.Settings(Duration.ofMinutes(30), Duration.ofHours(12)));
        assertThat(server.auditRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(loaded.log()).isEqualTo(new LogSettings("auto", "INFO", "OFF"));

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(loaded.values()).as(key.key()).containsEntry(key, key.defaultValue());
            assertThat(loaded.sources()).as(key.key()).containsEntry(key, Source.DEFAULT);
        }
    }

    @Test
    void builderWhenNothingIsSetThenItEqualsTheConfigurationLoadedFromTheDocumentedDefaults() {
        // ServerConfig.builder()'s defaults and ConfigKey's are two spellings of one truth.
        assertThat(ServerConfig.builder().build()).isEqualTo(ConfigLoader.load(null, NO_ENV, NO_FLAGS).server());
    }

    @Test
    void toBuilderWhenOneSettingChangesThenEveryOtherIsKept() {
        ServerConfig loaded = ConfigLoader.load(null, Map.of("TOLLGATE_PORT", "8443",
                "TOLLGATE_HTTP_TRUSTED_PROXIES", "10.0.0.0/8", "TOLLGATE_CONSOLE_LOGIN_WINDOW", "1h"), NO_FLAGS).server();

        ServerConfig changed = loaded.toBuilder().maxBodyBytes(2048).build();

        assertThat(changed.maxBodyBytes()).isEqualTo(2048);
        assertThat(changed.toBuilder().maxBodyBytes(loaded.maxBodyBytes()).build()).isEqualTo(loaded);
    }

    @Test
    void loadWhenEverySourceSetsAKeyThenTheFileOverridesDefaultsTheEnvironmentOverridesTheFileAndAFlagOverridesBoth() throws IOException {
        Path file = write("""
                # a comment
                port = 1111
                management-port = 1112
                timeouts.idle-connection = 5s
                log.level = debug
                """);
        Map<String, String> env = Map.of(
                "TOLLGATE_PORT", "2222",
                "TOLLGATE_MANAGEMENT_PORT", "2223",
                "TOLLGATE_LIMITS_MAX_BODY_BYTES", "2048",
                "UNRELATED", "x");
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.put(ConfigKey.PORT, "3333");
        flags.put(ConfigKey.HOST, null); // a flag not given

        Loaded loaded = ConfigLoader.load(file, env, flags);

        // flag > env > file > default
        assertThat(loaded.server().port()).isEqualTo(3333);
        assertThat(loaded.sources()).containsEntry(ConfigKey.PORT, Source.FLAG);
        // env > file
        assertThat(loaded.server().managementPort()).isEqualTo(2223);
        assertThat(loaded.sources()).containsEntry(ConfigKey.MANAGEMENT_PORT, Source.ENVIRONMENT);
        // env > default
        assertThat(loaded.server().maxBodyBytes()).isEqualTo(2048);
        assertThat(loaded.sources()).containsEntry(ConfigKey.MAX_BODY_BYTES, Source.ENVIRONMENT);
        // file > default
        assertThat(loaded.server().limits().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(loaded.sources()).containsEntry(ConfigKey.IDLE_TIMEOUT, Source.FILE);
        assertThat(loaded.log().level()).isEqualTo("DEBUG");
        // a null flag is no flag
        assertThat(loaded.server().host()).isEqualTo("127.0.0.1");
        assertThat(loaded.sources()).containsEntry(ConfigKey.HOST, Source.DEFAULT);
    }

    @Test
    void durationsWhenShortFormsIsoOrZeroThenAccepted() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(ConfigLoader.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(ConfigLoader.parseDuration("30")).isNull();
        assertThat(ConfigLoader.parseDuration("thirty seconds")).isNull();
        assertThat(ConfigLoader.parseDuration("-5s")).isNull();
    }

    // ---------------------------------------------------------------- each bad value names key and source

    @Test
    void portWhenNonNumericInTheFileThenReportedWithItsKeyAndTheFile() throws IOException {
        Path file = write("port = eighty\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("port (file " + file + "): ")
                .contains("whole number")
                .contains("'eighty'");
    }

    @Test
    void numberWhenOutOfRangeFromAFlagThenReportedWithItsKeyAndTheFlag() {
        List<String> problems = problems(null, NO_ENV, Map.of(ConfigKey.MAX_BODY_BYTES, "99999999"));

        assertThat(problems).singleElement().asString()
                .startsWith("limits.max-body-bytes (command-line flag --limits.max-body-bytes): ")
                .contains("1024 to 1048576")
                .contains("'99999999'");
    }

    @Test
    void durationWhenBadInTheEnvironmentThenReportedWithItsKeyAndTheVariable() {
        List<String> problems = problems(null, Map.of("TOLLGATE_TIMEOUTS_IDLE_CONNECTION", "30 seconds"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("timeouts.idle-connection (environment variable TOLLGATE_TIMEOUTS_IDLE_CONNECTION): ")
                .contains("duration")
                .contains("'30 seconds'");
    }

    @Test
    void durationWhenBelowTheMinimumThenReportedWithItsKey() {
        List<String> problems = problems(null, Map.of("TOLLGATE_TIMEOUTS_IDLE_CONNECTION", "10ms"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("timeouts.idle-connection (environment variable TOLLGATE_TIMEOUTS_IDLE_CONNECTION): ")
                .contains("at least");
    }

    @Test
    void keyWhenUnknownInTheFileThenReportedWithADidYouMeanSuggestion() throws IOException {
        Path file = write("limits.max-body-byte = 2048\nprot = 8081\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).containsExactlyInAnyOrder(
                "limits.max-body-byte (file " + file + "): unknown key; did you mean limits.max-body-bytes?",
                "prot (file " + file + "): unknown key; did you mean port?");
    }

    @Test
    void keyWhenUnknownAndFarFromEveryKnownOneThenSendsTheReaderToTheDocumentation() throws IOException {
        Path file = write("completely.unrelated.setting = 1\n");

        assertThat(problems(file, NO_ENV, NO_FLAGS)).singleElement().asString()
                .startsWith("completely.unrelated.setting (file " + file + "): unknown key")
                .doesNotContain("did you mean")
                .contains("docs/CONFIGURATION.md");
    }

    @Test
    void tlsCertificateWhenNotThereThenReportedWithItsKeyAndSource() throws IOException {
        Path key = Files.writeString(dir.resolve("server.key"), "not really a key");
        Path missing = dir.resolve("no-such-cert.pem");
        Path file = write("tls.certificate = " + missing + "\ntls.private-key = " + key + "\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("tls.certificate (file " + file + "): ")
                .contains("no readable file")
                .contains(missing.toString());
    }

    @Test
    void tlsKeystoreWhenADirectoryThenReportedWithItsKeyAndSource() {
        List<String> problems = problems(null, Map.of("TOLLGATE_TLS_KEYSTORE", dir.toString()), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("tls.keystore (environment variable TOLLGATE_TLS_KEYSTORE): ")
                .contains("no readable file");
    }

    @Test
    void certificateWhenWithoutItsPrivateKeyThenReportedNamingTheMissingKeyAndWhereTheOtherCameFrom() throws IOException {
        Path cert = Files.writeString(dir.resolve("server.pem"), "not really a certificate");
        Path file = write("tls.certificate = " + cert + "\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("tls.private-key")
                .contains("tls.certificate")
                .contains("file " + file);
    }

    @Test
    void privateKeyWhenWithoutItsCertificateThenReportedNamingTheMissingKey() throws IOException {
        Path key = Files.writeString(dir.resolve("server.key"), "not really a key");

        List<String> problems = problems(null, NO_ENV, Map.of(ConfigKey.TLS_PRIVATE_KEY, key.toString()));

        assertThat(problems).singleElement().asString()
                .startsWith("tls.certificate")
                .contains("tls.private-key")
                .contains("command-line flag --tls.private-key");
    }

    @Test
    void pemFilesAndAKeystoreWhenTogetherThenReportedAsConflicting() throws IOException {
        Path cert = Files.writeString(dir.resolve("server.pem"), "x");
        Path key = Files.writeString(dir.resolve("server.key"), "x");
        Path p12 = Files.writeString(dir.resolve("server.p12"), "x");
        Path file = write("tls.certificate = " + cert + "\ntls.private-key = " + key + "\ntls.keystore = " + p12 + "\n");

        assertThat(problems(file, NO_ENV, NO_FLAGS)).singleElement().asString()
                .startsWith("tls.keystore")
                .contains("not both");
    }

    @Test
    void redirectPortWhenWithoutTlsThenReportedWithItsKeyAndSource() {
        List<String> problems = problems(null, Map.of("TOLLGATE_TLS_HTTP_REDIRECT_PORT", "8081"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("tls.http-redirect-port (environment variable TOLLGATE_TLS_HTTP_REDIRECT_PORT): ")
                .contains("needs TLS")
                .contains("'8081'");
    }

    @Test
    void sessionIdleTimeoutWhenLongerThanTheAbsoluteOneThenReportedWithItsKeyAndSource() throws IOException {
        Path file = write("console.session-idle-timeout = 2h\nconsole.session-absolute-timeout = 1h\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("console.session-idle-timeout (file " + file + "): ")
                .contains("console.session-absolute-timeout")
                .contains("'2h'");
    }

    @Test
    void managementPortWhenEqualToThePublicPortThenReportedWithItsKeyAndSource() throws IOException {
        Path file = write("port = 8085\nmanagement-port = 8085\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("management-port")
                .contains("port")
                .contains("file " + file);
    }

    @Test
    void logLevelWhenBadThenReportedWithItsKeyTheSourceAndTheAllowedLevels() {
        List<String> problems = problems(null, Map.of("TOLLGATE_LOG_LEVEL", "VERBOSE"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("log.level (environment variable TOLLGATE_LOG_LEVEL): ")
                .contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF")
                .contains("'VERBOSE'");
    }

    @Test
    void tenantAndPublicUrlWhenBadThenEachReportedWithTheirKey() {
        Map<ConfigKey, String> flags = Map.of(ConfigKey.DEFAULT_TENANT, "not a tenant!", ConfigKey.PUBLIC_URL,
                "ftp://example.com/x?y");

        List<String> problems = problems(null, NO_ENV, flags);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("default-tenant (command-line flag --default-tenant): "));
        // public-url is checked by ServerConfig, after the per-key checks have passed
        assertThat(problems(null, NO_ENV, Map.of(ConfigKey.PUBLIC_URL, "ftp://example.com/x?y")))
                .singleElement().asString().startsWith("public-url").contains("command-line flag --public-url");
    }

    @Test
    void fileWhenItCannotBeReadThenReportedWithItsPath() {
        Path missing = dir.resolve("missing.properties");

        List<String> problems = problems(missing, NO_ENV, NO_FLAGS);

        assertThat(problems).singleElement().asString().contains(missing.toString()).contains("cannot be read");
    }

    // ---------------------------------------------------------------- all at once

    @Test
    void loadWhenSeveralProblemsInOneConfigurationThenEveryOneReportedTogether() throws IOException {
        Path file = write("""
                port = eighty
                timeouts.idle-connection = forever
                limits.max-header-bytes = 12
                log.format = xml
                tls.http-redirect-port = 8443
                console.session-idle-timeout = 13h
                limts.max-body-bytes = 4096
                """);
        Map<String, String> env = Map.of("TOLLGATE_LOG_LEVEL", "LOUD", "TOLLGATE_AUDIT_RETENTION", "1h");
        Map<ConfigKey, String> flags = Map.of(ConfigKey.JDBC_POOL_SIZE, "0");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env, flags));

        assertThat(e).isNotNull();
        List<String> problems = e.problems();
        List<String> expectedKeys = List.of("port", "timeouts.idle-connection", "limits.max-header-bytes", "log.format",
                "tls.http-redirect-port", "console.session-idle-timeout", "limts.max-body-bytes", "log.level",
                "audit.retention", "jdbc-pool-size");
        assertThat(problems).hasSize(expectedKeys.size());
        for (String key : expectedKeys) {
            assertThat(problems).as("a problem for %s", key).anySatisfy(p -> assertThat(p).startsWith(key + " ("));
            assertThat(e.getMessage()).contains(key);
        }
    }

    @Test
    void loadWhenARecordLevelConflictAndPerKeyProblemsThenReportedAlongsideEachOther() throws IOException {
        // management-port == port is only known once both are parsed; it must not hide behind, or be hidden by,
        // another key's problem: one run of 'config check' shows everything.
        Path file = write("port = 8085\nmanagement-port = 8085\nlog.level = LOUD\n");

        List<String> problems = problems(file, NO_ENV, NO_FLAGS);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("log.level ("));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("management-port"));
    }

    @Test
    void loadWhenARecordRefusesAValueThenTheProblemNamesKeySourceRuleAndValue() throws IOException {
        Path file = write("limits.max-header-bytes = 12\n");

        assertThat(problems(file, NO_ENV, NO_FLAGS)).containsExactly(
                "limits.max-header-bytes (file " + file + "): must be from 1024 to 1048576, was '12'");
    }

    @Test
    void loadWhenOneRecordHasSeveralBadValuesThenEachIsReported() {
        List<String> problems = problems(null, Map.of("TOLLGATE_LIMITS_MAX_CONNECTIONS", "0",
                "TOLLGATE_LIMITS_MAX_REQUEST_LINE_BYTES", "10", "TOLLGATE_TIMEOUTS_REQUEST", "0"), NO_FLAGS);

        assertThat(problems).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("limits.max-connections (environment variable "))
                .anySatisfy(p -> assertThat(p).startsWith("limits.max-request-line-bytes (environment variable "))
                .anySatisfy(p -> assertThat(p).startsWith("timeouts.request (environment variable "));
    }

    @Test
    void loadWhenACoreRecordRefusesAFieldThenTheProblemNamesTheKeyNotTheField() {
        List<String> problems = problems(null, Map.of("TOLLGATE_CONSOLE_SESSION_IDLE_TIMEOUT", "10s",
                "TOLLGATE_JDBC_POOL_SIZE", "5000"), NO_FLAGS);

        assertThat(problems).containsExactlyInAnyOrder(
                "console.session-idle-timeout (environment variable TOLLGATE_CONSOLE_SESSION_IDLE_TIMEOUT): "
                        + "must be at least 1m, was '10s'",
                "jdbc-pool-size (environment variable TOLLGATE_JDBC_POOL_SIZE): must be from 1 to 1000, was '5000'");
    }

    // ---------------------------------------------------------------- secrets and environment names

    @Test
    void describeWhenSecretsSetThenMaskedAndEveryOtherValueShownWithItsSource() throws IOException {
        Path p12 = Files.writeString(dir.resolve("server.p12"), "x");
        Path file = write("jdbc-password = hunter2-in-the-file\nport = 8443\n");
        Map<String, String> env = Map.of("TOLLGATE_TLS_KEYSTORE_PASSWORD", "s3cret-keystore-pass",
                "TOLLGATE_TLS_KEYSTORE", p12.toString());

        Map<String, String> described = ConfigLoader.describe(ConfigLoader.load(file, env, NO_FLAGS));

        assertThat(described.keySet()).containsExactlyElementsOf(
                Arrays.stream(ConfigKey.values()).map(ConfigKey::key).toList());
        assertThat(described.get("jdbc-password")).isEqualTo("********  (file)");
        assertThat(described.get("tls.keystore-password")).isEqualTo("********  (environment)");
        assertThat(described.get("tls.keystore")).isEqualTo(p12 + "  (environment)");
        assertThat(described.get("port")).isEqualTo("8443  (file)");
        assertThat(described.get("host")).isEqualTo("127.0.0.1  (default)");
        assertThat(described.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
    }

    @Test
    void describeWhenASecretIsUnsetThenShownAsEmptyRatherThanAsMasked() {
        Map<String, String> described = ConfigLoader.describe(ConfigLoader.load(null, NO_ENV, NO_FLAGS));

        assertThat(described.get("jdbc-password")).isEqualTo("  (default)");
    }

    @Test
    void secretKeysWhenListedThenOnlyPasswordsAndTheKeyEncryptionKey() {
        assertThat(Arrays.stream(ConfigKey.values()).filter(ConfigKey::isSecret))
                .containsExactlyInAnyOrder(ConfigKey.JDBC_PASSWORD, ConfigKey.TLS_KEYSTORE_PASSWORD, ConfigKey.KEK_BASE64);
    }

    @Test
    void environmentVariablesWhenDerivedFromKeysThenTollgateAndTheKeyInUpperSnakeCaseAndUnique() {
        Set<String> seen = new HashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            String expected = "TOLLGATE_" + key.key().toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
            assertThat(key.envName()).as(key.key()).isEqualTo(expected).matches("TOLLGATE_[A-Z0-9]+(_[A-Z0-9]+)*");
            assertThat(seen.add(key.envName())).as("unique: %s", key.envName()).isTrue();
            assertThat(ConfigKey.byKey(key.key())).contains(key);
        }
        assertThat(ConfigKey.MAX_BODY_BYTES.envName()).isEqualTo("TOLLGATE_LIMITS_MAX_BODY_BYTES");
        assertThat(ConfigKey.IDLE_TIMEOUT.envName()).isEqualTo("TOLLGATE_TIMEOUTS_IDLE_CONNECTION");
        assertThat(ConfigKey.TLS_REDIRECT_PORT.envName()).isEqualTo("TOLLGATE_TLS_HTTP_REDIRECT_PORT");
    }

    @Test
    void keysWhenSetThroughTheirEnvironmentVariablesThenEveryOneTakesEffect() {
        // Each key's default, given through the environment instead, is read from there.
        Map<String, String> env = Arrays.stream(ConfigKey.values())
                .filter(k -> !k.defaultValue().isEmpty())
                .collect(Collectors.toMap(ConfigKey::envName, ConfigKey::defaultValue));

        Loaded loaded = ConfigLoader.load(null, env, NO_FLAGS);

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(loaded.sources().get(key)).as(key.key())
                    .isEqualTo(key.defaultValue().isEmpty() ? Source.DEFAULT : Source.ENVIRONMENT);
        }
    }

    @Test
    void defaultsWhenLoadedAsValuesThenEveryOneIsValid() {
        // Defaults given explicitly in a file load exactly as the built-in ones do.
        StringBuilder text = new StringBuilder();
        for (ConfigKey key : ConfigKey.values()) {
            text.append(key.key()).append(" = ").append(key.defaultValue()).append('\n');
        }
        Path file;
        try {
            file = write(text.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        assertThat(ConfigLoader.load(file, NO_ENV, NO_FLAGS).server())
                .isEqualTo(ConfigLoader.load(null, NO_ENV, NO_FLAGS).server());
    }

    // ---------------------------------------------------------------- key-encryption key

    @Test
    void loadWhenNoKekKeyThenTheFileBesideTheDataDirectoryOrInTheWorkingDirectoryForJdbc() {
        ServerConfig embedded = ConfigLoader.load(null, Map.of("TOLLGATE_DATA_DIR", dir.resolve("store").toString()),
                NO_FLAGS).server();
        ServerConfig jdbc = ConfigLoader.load(null, Map.of("TOLLGATE_JDBC_URL", "jdbc:postgresql://db/tollgate"),
                NO_FLAGS).server();

        assertThat(embedded.keyEncryptionKeySource()).isEqualTo(new KeyEncryptionKeyFile(dir.resolve("store.kek")));
        assertThat(jdbc.keyEncryptionKeySource()).isEqualTo(new KeyEncryptionKeyFile(Path.of("tollgate.kek")));
    }

    @Test
    void loadWhenKekFileSetThenThatFile() {
        ServerConfig server = ConfigLoader.load(null, Map.of("TOLLGATE_KEK_FILE", dir.resolve("k").toString()),
                NO_FLAGS).server();

        assertThat(server.keyEncryptionKeySource()).isEqualTo(new KeyEncryptionKeyFile(dir.resolve("k")));
    }

    @Test
    void loadWhenKekBase64InTheEnvironmentThenThatKeyAndConfigCheckMasksIt() {
        KeyEncryptionKey key = KeyEncryptionKey.generate(new SecureRandom());

        Loaded loaded = ConfigLoader.load(null, Map.of("TOLLGATE_KEK_BASE64", key.toBase64()), NO_FLAGS);

        KeyEncryptionKeySource source = loaded.server().keyEncryptionKeySource();
        assertThat(source.existing()).contains(key);
        assertThat(source.describe()).isEqualTo("kek.base64 (environment)");
        assertThat(ConfigLoader.describe(loaded).get("kek.base64")).startsWith("********").doesNotContain(key.toBase64());
    }

    @Test
    void loadWhenKekBase64IsNotAKeyThenProblemWithoutTheValue() {
        List<String> problems = problems(null, Map.of("TOLLGATE_KEK_BASE64", "hunter2hunter2"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("kek.base64 (environment variable TOLLGATE_KEK_BASE64): ")
                .contains("32 bytes").doesNotContain("hunter2");
    }

    @Test
    void loadWhenKekBase64AndKekFileBothSetThenProblem() {
        List<String> problems = problems(null, Map.of("TOLLGATE_KEK_BASE64",
                KeyEncryptionKey.generate(new SecureRandom()).toBase64(), "TOLLGATE_KEK_FILE", "k"), NO_FLAGS);

        assertThat(problems).singleElement().asString().startsWith("kek.base64 (environment variable TOLLGATE_KEK_BASE64): ")
                .contains("not both");
    }

    // ---------------------------------------------------------------- docs/CONFIGURATION.md

    private static final Pattern BACKTICKED = Pattern.compile("`([^`]*)`");

    @Test
    void configurationDocumentWhenComparedWithTheKeysThenListsEveryKeyWithItsEnvironmentVariableAndDefault() throws IOException {
        // Tests run in the server module; the document is at the repository root.
        Path doc = Path.of("..").toAbsolutePath().normalize().resolve("docs/CONFIGURATION.md");
        assertThat(doc).as("docs/CONFIGURATION.md (issue 5, point 1)").isRegularFile();
        List<String> rows = Files.readAllLines(doc, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(line -> line.startsWith("|"))
                .toList();

        Set<String> documented = new HashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            List<String> matching = rows.stream().filter(row -> firstCell(row).equals("`" + key.key() + "`")).toList();
            assertThat(matching).as("one table row whose first cell is `%s`", key.key()).hasSize(1);
            String row = matching.get(0);
            assertThat(backticked(row)).as("row of %s: %s", key.key(), row).contains(key.envName());
            if (!key.defaultValue().isEmpty()) {
                assertThat(backticked(row)).as("default of %s in: %s", key.key(), row).contains(key.defaultValue());
            }
            documented.add(key.key());
        }
        // And nothing documented that the loader doesn't know: every row naming a TOLLGATE_ variable is a key.
        for (String row : rows) {
            if (backticked(row).stream().anyMatch(t -> t.startsWith("TOLLGATE_") && !t.equals("TOLLGATE_CONFIG"))) {
                String first = firstCell(row).replace("`", "");
                assertThat(ConfigKey.byKey(first)).as("documented key %s is one ConfigKey knows", first).isPresent();
            }
        }
        assertThat(documented).hasSize(ConfigKey.values().length);
    }

    private static String firstCell(String row) {
        String[] cells = row.split("(?<!\\\\)\\|");
        return cells.length > 1 ? cells[1].strip() : "";
    }

    private static List<String> backticked(String row) {
        Matcher m = BACKTICKED.matcher(row);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private Path write(String properties) throws IOException {
        Path file = Files.createTempFile(dir, "tollgate", ".properties");
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void bruteForceLimitsWhenConfiguredThenComeFromTheirKeys() {
        Loaded loaded = ConfigLoader.load(null, Map.of("TOLLGATE_ABUSE_ADDRESS_FREE_FAILURES", "7",
                "TOLLGATE_ABUSE_ADDRESS_REFUSE_AFTER", "50", "TOLLGATE_ABUSE_WINDOW", "5m"), NO_FLAGS);

        assertThat(loaded.server().bruteForce().perAddress().freeFailures()).isEqualTo(7);
        assertThat(loaded.server().bruteForce().perAddress().refuseAfter()).isEqualTo(50);
        assertThat(loaded.server().bruteForce().perAddress().window()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void bruteForceRefusalWhenBeforeTheFreeFailuresAreUsedUpThenAProblemNamingTheKey() {
        List<String> problems = problems(null, Map.of("TOLLGATE_ABUSE_ADDRESS_FREE_FAILURES", "30",
                "TOLLGATE_ABUSE_ADDRESS_REFUSE_AFTER", "30"), NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("abuse.address.refuse-after (environment variable TOLLGATE_ABUSE_ADDRESS_REFUSE_AFTER): ")
                .contains("greater than abuse.address.free-failures");
    }

    @Test
    void loadWhenTheFileNamesARemovedPerClientKeyThenAProblemSayingWhyItWasRemoved() throws IOException {
        Path file = write("abuse.client.free-failures=20\nabuse.known-address-memory=24h\n");

        assertThat(problems(file, NO_ENV, NO_FLAGS)).hasSize(2).allSatisfy(problem -> assertThat(problem)
                .contains("(file " + file + "): removed: failures for a client id no longer refuse anyone")
                .contains("tollgate_client_authentication_failures_total"));
    }

    @Test
    void loadWhenTheNewLimitKeysAreUnsetThenTheirDefaultsAreTheFormerBuiltInValues() {
        ServerConfig server = ConfigLoader.load(null, NO_ENV, NO_FLAGS).server();

        assertThat(server.bruteForce()).isEqualTo(dev.tollgate.core.abuse.ClientAuthenticationGuard.Settings.DEFAULTS);
        assertThat(server.loginLimits()).isEqualTo(dev.tollgate.core.abuse.FailureLimiter.Settings.loginDefaults());
        assertThat(server.trustedProxies()).isEqualTo(TrustedProxies.NONE);
    }

    @Test
    void loadWhenGuardAndLoginKeysAreSetThenTheSettingsCarryThem() {
        Loaded loaded = ConfigLoader.load(null, Map.of("TOLLGATE_ABUSE_BASE_DELAY", "2s",
                "TOLLGATE_ABUSE_MAX_TRACKED", "500",
                "TOLLGATE_CONSOLE_LOGIN_FREE_FAILURES", "5", "TOLLGATE_CONSOLE_LOGIN_REFUSE_AFTER", "50",
                "TOLLGATE_CONSOLE_LOGIN_BASE_DELAY", "3s", "TOLLGATE_CONSOLE_LOGIN_MAX_DELAY", "2m",
                "TOLLGATE_CONSOLE_LOGIN_WINDOW", "1h"), NO_FLAGS);

        var guard = loaded.server().bruteForce();
        assertThat(guard.perAddress().baseDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(guard.perAddress().maxKeys()).isEqualTo(500);
        assertThat(loaded.server().loginLimits()).isEqualTo(new dev.tollgate.core.abuse.FailureLimiter.Settings(5,
                Duration.ofSeconds(3), Duration.ofMinutes(2), 50, Duration.ofHours(1),
                dev.tollgate.core.abuse.FailureLimiter.Settings.loginDefaults().maxKeys()));
    }

    @Test
    void loadWhenTheLoginBaseDelayExceedsItsMaxDelayThenTheProblemNamesBothKeys() {
        List<String> problems = problems(null, Map.of("TOLLGATE_CONSOLE_LOGIN_BASE_DELAY", "1m"), NO_FLAGS);

        assertThat(problems).containsExactly("console.login.max-delay (default): must be at least "
                + "console.login.base-delay (environment variable TOLLGATE_CONSOLE_LOGIN_BASE_DELAY), was '30s'");
    }

    @Test
    void loadWhenHashingPermitsUnsetThenHalfTheProcessorsAtLeastOne() {
        ServerConfig server = ConfigLoader.load(null, NO_ENV, NO_FLAGS).server();

        assertThat(server.loginHashingPermits())
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    @Test
    void loadWhenHashingPermitsSetThenTheServerCarriesThem() {
        ServerConfig server = ConfigLoader.load(null, Map.of("TOLLGATE_CONSOLE_LOGIN_HASHING_PERMITS", "3"),
                NO_FLAGS).server();

        assertThat(server.loginHashingPermits()).isEqualTo(3);
    }

    @Test
    void loadWhenHashingPermitsZeroOrNotANumberThenTheProblemNamesTheKey() {
        assertThat(problems(null, Map.of("TOLLGATE_CONSOLE_LOGIN_HASHING_PERMITS", "0"), NO_FLAGS))
                .singleElement().asString()
                .startsWith("console.login.hashing-permits").contains("must be from 1 to 1024");
        assertThat(problems(null, Map.of("TOLLGATE_CONSOLE_LOGIN_HASHING_PERMITS", "many"), NO_FLAGS))
                .singleElement().asString()
                .startsWith("console.login.hashing-permits").contains("must be a whole number or auto");
    }

    @Test
    void loadWhenTrustedProxiesAreListedThenTheyAreParsed() {
        Loaded loaded = ConfigLoader.load(null, Map.of("TOLLGATE_HTTP_TRUSTED_PROXIES", " 10.0.0.0/8, 192.0.2.7 ,"),
                NO_FLAGS);

        assertThat(loaded.server().trustedProxies()).isEqualTo(TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.7")));
    }

    @Test
    void loadWhenATrustedProxyIsAHostNameThenAProblemNamesTheKeyAndTheEntry() {
        List<String> problems = problems(null, Map.of("TOLLGATE_HTTP_TRUSTED_PROXIES", "10.0.0.1, lb.internal"),
                NO_FLAGS);

        assertThat(problems).singleElement().asString()
                .startsWith("http.trusted-proxies (environment variable TOLLGATE_HTTP_TRUSTED_PROXIES): ")
                .contains("'lb.internal'");
    }

    @Test
    void tokenEventsWhenNotSetThenStreamedAndCommittedOrOffOnRequest() {
        assertThat(ConfigLoader.load(null, Map.of(), NO_FLAGS).server().tokenAudit())
                .isEqualTo(dev.tollgate.server.ops.TokenAudit.Mode.STREAM);
        assertThat(ConfigLoader.load(null, Map.of("TOLLGATE_AUDIT_TOKEN_EVENTS", "committed"), NO_FLAGS).server()
                .tokenAudit()).isEqualTo(dev.tollgate.server.ops.TokenAudit.Mode.COMMITTED);
        assertThat(ConfigLoader.load(null, Map.of("TOLLGATE_AUDIT_TOKEN_EVENTS", "off"), NO_FLAGS).server().tokenAudit())
                .isEqualTo(dev.tollgate.server.ops.TokenAudit.Mode.OFF);
        assertThat(problems(null, Map.of("TOLLGATE_AUDIT_TOKEN_EVENTS", "sometimes"), NO_FLAGS)).singleElement()
                .asString().startsWith("audit.token-events (environment variable TOLLGATE_AUDIT_TOKEN_EVENTS): ");
    }

    @Test
    void tokenStreamWhenConfiguredThenEverySettingReadAndSizesTakeUnits() {
        ServerConfig config = ConfigLoader.load(null, Map.of("TOLLGATE_AUDIT_STREAM_TARGET", "stdout",
                "TOLLGATE_AUDIT_STREAM_FLUSH_INTERVAL", "250ms", "TOLLGATE_AUDIT_STREAM_MAX_FILE_SIZE", "2MB",
                "TOLLGATE_AUDIT_STREAM_MAX_FILES", "7", "TOLLGATE_AUDIT_STREAM_RETENTION", "2d",
                "TOLLGATE_AUDIT_STREAM_QUEUE_SIZE", "1024", "TOLLGATE_AUDIT_COUNTS_FLUSH_INTERVAL", "2s"), NO_FLAGS)
                .server();

        assertThat(config.tokenStream()).isEqualTo(new dev.tollgate.server.ops.TokenEventStream.Settings(
                dev.tollgate.server.ops.TokenEventStream.Target.STDOUT, null, java.time.Duration.ofMillis(250),
                2L * 1024 * 1024, 7, java.time.Duration.ofDays(2), 1024));
        assertThat(config.tokenCountsFlushInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(ConfigLoader.load(null, Map.of("TOLLGATE_DATA_DIR", "/var/lib/tollgate"), NO_FLAGS).server()
                .tokenStreamDirectory()).isEqualTo(Path.of("/var/lib/tollgate", "audit"));
        assertThat(ConfigLoader.load(null, Map.of("TOLLGATE_AUDIT_STREAM_DIRECTORY", "/var/log/tollgate"), NO_FLAGS)
                .server().tokenStreamDirectory()).isEqualTo(Path.of("/var/log/tollgate"));
    }

    @Test
    void tokenStreamWhenSettingsOutOfRangeThenOneProblemPerKey() {
        List<String> problems = problems(null, Map.of("TOLLGATE_AUDIT_STREAM_MAX_FILE_SIZE", "12 parsecs",
                "TOLLGATE_AUDIT_STREAM_FLUSH_INTERVAL", "5m", "TOLLGATE_AUDIT_STREAM_MAX_FILES", "0",
                "TOLLGATE_AUDIT_STREAM_TARGET", "syslog", "TOLLGATE_AUDIT_COUNTS_FLUSH_INTERVAL", "1ms"), NO_FLAGS);

        assertThat(problems).hasSize(5).anySatisfy(p -> assertThat(p).startsWith("audit.stream.max-file-size ("))
                .anySatisfy(p -> assertThat(p).startsWith("audit.stream.flush-interval ("))
                .anySatisfy(p -> assertThat(p).startsWith("audit.stream.max-files ("))
                .anySatisfy(p -> assertThat(p).startsWith("audit.stream.target ("))
                .anySatisfy(p -> assertThat(p).startsWith("audit.counts.flush-interval ("));
    }

    private static List<String> problems(Path file, Map<String, String> env, Map<ConfigKey, String> flags) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env, flags));
        assertThat(e).as("a ConfigException").isNotNull();
        return e.problems();
    }
}
