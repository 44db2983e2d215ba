package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.Totp;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.TotpCodes;
import dev.tollgate.store.StoreConfig;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets at rest through the whole application: the default KEK file beside the data directory,
 * a database file that holds no secret in the clear, and {@code tollgate secrets rotate-kek}
 * between two starts, after which the server issues and verifies tokens and accepts TOTP codes
 * only with the new key.
 */
class SecretsCommandTest {

    private static final TenantId TENANT = DataDir.DEFAULT_TENANT;

    @TempDir
    Path temp;

    private final TestClock clock = TestClock.startingNow();

    @Test
    void rotateKekWhenRunBetweenStartsThenServerOnTheNewKeyIssuesVerifiesAndAcceptsTotp() throws Exception {
        Path data = temp.resolve("data");
        ServerConfig firstConfig = config(data, null);
        String seed = Totp.generateSecret();
        ClientWithSecret client;
        String password;
        String tokenBefore;
        List<SigningKey> keys;
        try (Tollgate app = Tollgate.open(firstConfig, clock)) {
            client = app.bootstrap(TENANT).orElseThrow().clients().getFirst();
            AdminWithPassword bootstrapped = app.adminAccounts().bootstrap(TENANT).orElseThrow();
            password = bootstrapped.password();
            Admin admin = bootstrapped.admin();
            app.store().admins().update(new Admin(admin.id(), admin.tenantId(), admin.username(), admin.role(),
                    admin.capabilities(), admin.passwordHash(), admin.mustChangePassword(), seed, admin.createdAt(),
                    admin.updatedAt()));
            tokenBefore = issue(app, client);
            keys = app.store().keys().list(TENANT);
        }

        Path defaultKek = temp.resolve("data.kek");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(defaultKek))).isEqualTo("rw-------");
        byte[] database = Files.readAllBytes(data.resolve("tollgate.mv.db"));
        assertThat(contains(database, keys.getFirst().kid())).as("control: plain columns are found").isTrue();
        assertThat(contains(database, seed)).isFalse();
        for (SigningKey key : keys) {
            assertThat(contains(database, key.privateJwk().toJSONObject().get("d").toString())).isFalse();
        }

        Path newKek = temp.resolve("elsewhere/next.kek");
        Cli.Run rotated = Cli.run("secrets", "rotate-kek", "--new-kek-file", newKek.toString(),
                "--data-dir", data.toString());
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        // Two signing keys, the TOTP seed, the secret-hashing, device-cookie and DPoP-nonce keys.
        assertThat(rotated.out()).contains("Re-sealed 6 secrets under key-encryption key")
                .contains("kek.file=" + newKek);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(newKek))).isEqualTo("rw-------");

        assertThatThrownBy(() -> Tollgate.open(firstConfig, clock).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("file " + defaultKek)
                .hasMessageContaining("can't open them");

        clock.advance(Duration.ofSeconds(60));
        try (Tollgate app = Tollgate.open(config(data, newKek), clock)) {
            assertThat(app.introspector().inspect(TENANT, tokenBefore)).isPresent();
            assertThat(app.introspector().inspect(TENANT, issue(app, client))).isPresent();
            assertThat(login(app, password, null)).isInstanceOf(LoginResult.SecondFactorRequired.class);
            assertThat(login(app, password, TotpCodes.at(seed, clock.instant()))).isInstanceOf(LoginResult.Success.class);
        }
    }

    @Test
    void rotateKekWhenNewKeyFileIsGroupReadableThenRefusedAndTheStoreKeepsItsKey() throws Exception {
        Path data = bootstrappedDataDirectory();
        Path shared = temp.resolve("shared.kek");
        new KeyEncryptionKeyFile(temp.resolve("made.kek")).create();
        Files.copy(temp.resolve("made.kek"), shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));

        Cli.Run refused = Cli.run("secrets", "rotate-kek", "--new-kek-file", shared.toString(),
                "--data-dir", data.toString());

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.error()).contains("accessible to other users").contains("chmod 600");
        try (Tollgate app = Tollgate.open(config(data, null), clock)) {
            assertThat(app.store().keys().list(TENANT)).isNotEmpty();
        }
    }

    @Test
    void rotateKekWhenNewKeyFromAnEnvironmentVariableThenTheStoreOpensWithThatKeyOnly() {
        Path data = bootstrappedDataDirectory();
        KeyEncryptionKey next = KeyEncryptionKey.generate(new SecureRandom());
        SecretsCommand.RotateKek command = new SecretsCommand.RotateKek();
        command.environment = Map.of("NEXT_KEK", next.toBase64())::get;
        StringWriter out = new StringWriter();

        int exit = new CommandLine(command).setOut(new PrintWriter(out))
                .execute("--new-kek-env", "NEXT_KEK", "--data-dir", data.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("under key-encryption key " + next.id())
                .contains("TOLLGATE_KEK_BASE64 from NEXT_KEK").doesNotContain(next.toBase64());
        ServerConfig withNext = ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(data))
                .keyEncryptionKey(KeyEncryptionKeySource.fixed(next, "next")).defaultTenant(TENANT).build();
        try (Tollgate app = Tollgate.open(withNext, clock)) {
            assertThat(app.store().keys().list(TENANT)).isNotEmpty();
        }
        assertThatThrownBy(() -> Tollgate.open(config(data, null), clock).close()).isInstanceOf(StoreException.class);
    }

    @Test
    void rotateKekWhenEnvironmentVariableUnsetThenRefusedBeforeTheStoreChanges() {
        Path data = bootstrappedDataDirectory();

        Cli.Run refused = Cli.run("secrets", "rotate-kek", "--new-kek-env", "TOLLGATE_TEST_NO_SUCH_VARIABLE",
                "--data-dir", data.toString());

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.error()).contains("TOLLGATE_TEST_NO_SUCH_VARIABLE is not set");
        try (Tollgate app = Tollgate.open(config(data, null), clock)) {
            assertThat(app.store().keys().list(TENANT)).isNotEmpty();
        }
    }

    @Test
    void rotateKekWhenNewKeyIsTheCurrentOneThenRefused() {
        Path data = bootstrappedDataDirectory();

        Cli.Run refused = Cli.run("secrets", "rotate-kek", "--new-kek-file", temp.resolve("data.kek").toString(),
                "--data-dir", data.toString());

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.error()).contains("already sealed under key");
    }

    @Test
    void openWhenDefaultKekFileIsWorldReadableThenRefusesToStart() throws Exception {
        Path data = bootstrappedDataDirectory();
        Files.setPosixFilePermissions(temp.resolve("data.kek"), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> Tollgate.open(config(data, null), clock).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("accessible to other users");
    }

    /** A data directory after a first start: the default tenant, its keys, the installation keys, the default KEK file. */
    private Path bootstrappedDataDirectory() {
        Path data = temp.resolve("data");
        try (Tollgate app = Tollgate.open(config(data, null), clock)) {
            app.bootstrap(TENANT);
        }
        return data;
    }

    private static ServerConfig config(Path data, Path kekFile) {
        return ServerConfig.builder().port(0).managementPort(0).store(StoreConfig.embedded(data))
                .keyEncryptionKey(kekFile == null ? null : new KeyEncryptionKeyFile(kekFile))
                .defaultTenant(TENANT).build();
    }

    private static String issue(Tollgate app, ClientWithSecret client) {
        TokenService.Outcome outcome = app.tokens().issue(new TokenService.Request(TENANT,
                new PresentedCredentials(client.client().clientId().value(), client.secret().reveal(),
                        ClientAuthMethod.CLIENT_SECRET_BASIC), null, List.of(), false));
        assertThat(outcome.isIssued()).as("%s", outcome.refusal()).isTrue();
        return outcome.token().value();
    }

    private static LoginResult login(Tollgate app, String password, String code) {
        return app.adminAccounts().login(TENANT, "admin", password.toCharArray(), code, "127.0.0.1", null);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }
}
