package dev.tollgate.store;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Totp;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Secrets at rest, whatever the database: what the tables hold is sealed under the key-encryption
 * key, a copy of the database without that key opens nothing, rows from before sealing are sealed
 * at start, and a KEK rotation re-seals every row. Every test starts on a fresh, empty database.
 */
abstract class SealedSecretsContract {

    private static final TenantId A = TenantId.of("tenant-a");
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path temp;

    private StoreConfig config;
    private final KeyEncryptionKeySource kek = fixed();

    /** An empty database of its own for the calling test. */
    protected abstract StoreConfig freshDatabase();

    @BeforeEach
    void createDatabase() {
        config = freshDatabase();
    }

    @Test
    void secretsWhenStoredThenRawRowsHoldNoPlaintextAndStoreReadsThemBack() throws SQLException {
        Secrets secrets;
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            secrets = Secrets.insert(store);
            assertThat(store.keys().list(A)).containsExactlyInAnyOrderElementsOf(secrets.keys);
            assertThat(store.admins().find(A, secrets.admin.id()).orElseThrow().totpSecret()).isEqualTo(secrets.totp);
            assertThat(store.installation().find("secret-hash-key")).get().isEqualTo(secrets.hashKey);
        }

        List<String> raw = rawSecrets();
        assertThat(raw).hasSize(4).allSatisfy(value -> assertThat(value).startsWith("tgenc1:"));
        for (SigningKey key : secrets.keys) {
            String d = key.privateJwk().toJSONObject().get("d").toString();
            assertThat(raw).noneMatch(value -> value.contains(d) || value.contains("\"d\""));
        }
        assertThat(raw).noneMatch(value -> value.contains(secrets.totp));
        assertThat(raw).noneMatch(value -> value.contains(Base64.getEncoder().encodeToString(secrets.hashKey)));
    }

    @Test
    void openWhenKekIsAnotherThenRefusedNamingBothKeysAndNothingOpens() {
        KeyEncryptionKey other = KeyEncryptionKey.generate(RANDOM);
        String sealedUnder;
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            Secrets.insert(store);
            sealedUnder = store.keyEncryptionKeyId();
        }

        assertThatThrownBy(() -> JdbcStore.open(config, KeyEncryptionKeySource.fixed(other, "other key")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(sealedUnder)
                .hasMessageContaining(other.id())
                .hasMessageContaining("other key");
    }

    @Test
    void openWhenKekFileMissingAndSecretsSealedThenRefusedWithoutCreatingOne() {
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            Secrets.insert(store);
        }
        Path file = temp.resolve("lost.kek");

        assertThatThrownBy(() -> JdbcStore.open(config, new KeyEncryptionKeyFile(file)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no key-encryption key at file " + file);
        assertThat(file).doesNotExist();
    }

    @Test
    void openWhenKekFileMissingAndStoreEmptyThenCreatesItOwnerOnlyAndReadsWithIt() throws Exception {
        Path file = temp.resolve("new.kek");
        Secrets secrets;
        try (JdbcStore store = JdbcStore.open(config, new KeyEncryptionKeyFile(file))) {
            secrets = Secrets.insert(store);
        }

        assertThat(Files.getPosixFilePermissions(file)).extracting(Enum::name)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        try (JdbcStore store = JdbcStore.open(config, new KeyEncryptionKeyFile(file))) {
            assertThat(store.keys().list(A)).containsExactlyInAnyOrderElementsOf(secrets.keys);
        }
    }

    @Test
    void openWhenRowsFromBeforeSealingThenSealsThemOnceAndReadsThemBack() throws SQLException {
        // The schema as the last version without sealing left it, with its plain rows.
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("4").load().migrate();
        SigningKey key = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).get(0);
        String totp = Totp.generateSecret();
        byte[] hashKey = randomBytes();
        String adminId = UUID.randomUUID().toString();
        try (Connection c = connect()) {
            execute(c, "INSERT INTO tenants (id, name, signing_algorithm, allow_query_credentials, created_at_ns)"
                    + " VALUES ('tenant-a', 'A', 'ES256', FALSE, 0)");
            execute(c, "INSERT INTO signing_keys (tenant_id, kid, algorithm, state, jwk, created_at_ns) VALUES (?, ?, ?, ?, ?, 0)",
                    A.value(), key.kid(), "ES256", key.state().name(), key.privateJwk().toJSONString());
            execute(c, "INSERT INTO admins (id, tenant_id, username, role, capabilities, password_hash, must_change_password,"
                    + " totp_secret, created_at_ns, updated_at_ns) VALUES (?, 'tenant-a', 'alice', 'ADMIN', '', 'h', FALSE, ?, 0, 0)",
                    adminId, totp);
            execute(c, "INSERT INTO installation (name, value_base64) VALUES ('secret-hash-key', ?)",
                    Base64.getEncoder().encodeToString(hashKey));
        }

        List<String> firstSeal;
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            firstSeal = rawSecrets();
            assertThat(store.keys().list(A)).extracting(k -> k.privateJwk().toJSONObject())
                    .containsExactly(key.privateJwk().toJSONObject());
            assertThat(store.admins().find(A, adminId).orElseThrow().totpSecret()).isEqualTo(totp);
            assertThat(store.installation().find("secret-hash-key")).get().isEqualTo(hashKey);
        }
        assertThat(firstSeal).hasSize(3).allSatisfy(value -> assertThat(value).startsWith("tgenc1:"));
        assertThat(firstSeal).noneMatch(value -> value.contains(totp) || value.contains("\"d\""));

        try (JdbcStore ignored = JdbcStore.open(config, kek)) {
            assertThat(rawSecrets()).isEqualTo(firstSeal);
        }
    }

    @Test
    void openWhenTwoNodesStartAtOnceOnRowsFromBeforeSealingThenEachRowIsSealedOnceAndBothReadIt() throws Exception {
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("4").load().migrate();
        List<SigningKey> keys = new ArrayList<>();
        try (Connection c = connect()) {
            for (int t = 0; t < 20; t++) {
                TenantId tenant = TenantId.of("tenant-" + t);
                execute(c, "INSERT INTO tenants (id, name, signing_algorithm, allow_query_credentials, created_at_ns)"
                        + " VALUES (?, 'T', 'ES256', FALSE, 0)", tenant.value());
                for (SigningKey key : KeyRotation.initialKeys(tenant, SigningAlgorithm.ES256, T0)) {
                    execute(c, "INSERT INTO signing_keys (tenant_id, kid, algorithm, state, jwk, created_at_ns)"
                            + " VALUES (?, ?, 'ES256', ?, ?, 0)", tenant.value(), key.kid(), key.state().name(),
                            key.privateJwk().toJSONString());
                    keys.add(key);
                }
            }
        }
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<JdbcStore> node = () -> {
            together.await();
            return JdbcStore.open(config, kek);
        };
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            List<Future<JdbcStore>> started = nodes.invokeAll(List.of(node, node));
            for (Future<JdbcStore> future : started) {
                try (JdbcStore store = future.get()) {
                    for (SigningKey key : keys) {
                        assertThat(store.keys().list(key.tenantId())).extracting(SigningKey::kid).contains(key.kid());
                    }
                }
            }
        } finally {
            nodes.shutdownNow();
        }
        assertThat(rawSecrets()).hasSize(40).allSatisfy(value -> assertThat(value).startsWith("tgenc1:"));
    }

    @Test
    void readWhenSealedValueMovedToAnotherRowThenRefused() throws SQLException {
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            Secrets secrets = Secrets.insert(store);
            store.installation().putIfAbsent("device-cookie-key", randomBytes());
            try (Connection c = connect()) {
                execute(c, "UPDATE installation SET value_base64 = (SELECT value_base64 FROM installation"
                        + " WHERE name = 'secret-hash-key') WHERE name = 'device-cookie-key'");
                execute(c, "UPDATE signing_keys SET jwk = (SELECT jwk FROM signing_keys WHERE kid = ?) WHERE kid = ?",
                        secrets.keys.get(0).kid(), secrets.keys.get(1).kid());
            }

            assertThatThrownBy(() -> store.installation().find("device-cookie-key"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("sealed for another row");
            assertThatThrownBy(() -> store.keys().list(A))
                    .isInstanceOf(StoreException.class).hasMessageContaining(secrets.keys.get(1).kid());
            assertThat(store.installation().find("secret-hash-key")).get().isEqualTo(secrets.hashKey);
        }
    }

    @Test
    void readWhenSealedValueAlteredThenRefused() throws SQLException {
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            Secrets secrets = Secrets.insert(store);
            String sealed = rawSecrets().stream().filter(v -> v.length() < 300).findFirst().orElseThrow();
            String altered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("AA") ? "BB" : "AA");
            try (Connection c = connect()) {
                execute(c, "UPDATE admins SET totp_secret = ?", altered);
            }

            assertThatThrownBy(() -> store.admins().find(A, secrets.admin.id()))
                    .isInstanceOf(StoreException.class).hasMessageContaining("fails authentication");
        }
    }

    @Test
    void readWhenPlainValuePlantedAfterStartThenRefused() throws SQLException {
        // Someone who can write the database but lacks the KEK must not get a signing key of their choosing used.
        SigningKey planted = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).get(0);
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            Secrets secrets = Secrets.insert(store);
            try (Connection c = connect()) {
                execute(c, "UPDATE signing_keys SET jwk = ? WHERE kid = ?", planted.privateJwk().toJSONString(),
                        secrets.keys.get(0).kid());
            }

            assertThatThrownBy(() -> store.keys().list(A))
                    .isInstanceOf(StoreException.class).hasMessageContaining("unsealed");
        }
    }

    @Test
    void rotateWhenNewKekThenEveryRowResealedUnderItAndOnlyItOpensTheStore() throws SQLException {
        KeyEncryptionKey next = KeyEncryptionKey.generate(RANDOM);
        Secrets secrets;
        List<String> before;
        try (JdbcStore store = JdbcStore.open(config, kek)) {
            secrets = Secrets.insert(store);
            before = rawSecrets();

            assertThat(store.rotateKeyEncryptionKey(next)).isEqualTo(4);

            assertThat(store.keyEncryptionKeyId()).isEqualTo(next.id());
            assertThat(store.keys().list(A)).containsExactlyInAnyOrderElementsOf(secrets.keys);
        }
        List<String> after = rawSecrets();
        assertThat(after).hasSize(4).allSatisfy(value -> assertThat(value).startsWith("tgenc1:" + next.id() + ":"));
        assertThat(after).doesNotContainAnyElementsOf(before);

        assertThatThrownBy(() -> JdbcStore.open(config, kek)).isInstanceOf(StoreException.class)
                .hasMessageContaining(next.id());
        try (JdbcStore store = JdbcStore.open(config, KeyEncryptionKeySource.fixed(next, "next"))) {
            assertThat(store.keys().list(A)).containsExactlyInAnyOrderElementsOf(secrets.keys);
            assertThat(store.admins().find(A, secrets.admin.id()).orElseThrow().totpSecret()).isEqualTo(secrets.totp);
            assertThat(store.installation().find("secret-hash-key")).get().isEqualTo(secrets.hashKey);
        }
    }

    /** One of each kind of secret, in tenant A. */
    private record Secrets(List<SigningKey> keys, Admin admin, String totp, byte[] hashKey) {

        static Secrets insert(JdbcStore store) {
            store.tenants().insert(new Tenant(A, "A", TenantSettings.DEFAULTS, T0));
            List<SigningKey> keys = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0);
            keys.forEach(store.keys()::insert);
            String totp = Totp.generateSecret();
            Admin admin = new Admin(UUID.randomUUID().toString(), A, "alice", AdminRole.ADMIN, null, "hash", false,
                    totp, T0, T0);
            store.admins().insert(admin);
            byte[] hashKey = store.installation().putIfAbsent("secret-hash-key", randomBytes());
            return new Secrets(keys, admin, totp, hashKey);
        }
    }

    private List<String> rawSecrets() throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect()) {
            for (String query : List.of("SELECT jwk FROM signing_keys ORDER BY kid",
                    "SELECT totp_secret FROM admins WHERE totp_secret IS NOT NULL ORDER BY id",
                    "SELECT value_base64 FROM installation ORDER BY name")) {
                try (PreparedStatement s = c.prepareStatement(query); ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        values.add(rows.getString(1));
                    }
                }
            }
        }
        return values;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(config.connectionUrl(), config.connectionUser(), config.connectionPassword());
    }

    private static void execute(Connection c, String sql, String... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static KeyEncryptionKeySource fixed() {
        return KeyEncryptionKeySource.fixed(KeyEncryptionKey.generate(RANDOM), "test key");
    }

}
