package dev.tollgate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeySource;
import dev.tollgate.core.seal.SecretSealer;
import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.store.AdminRepository;
import dev.tollgate.core.store.AdminSessionRepository;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.ReplayRepository;
import dev.tollgate.core.store.RevocationRepository;
import dev.tollgate.core.store.ScopeRepository;
import dev.tollgate.core.store.SigningKeyRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.store.FailureCountRepository;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.store.UserRepository;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The store over JDBC: the embedded H2 database or PostgreSQL, with the same SQL and the same
 * Flyway migrations ({@code db/migration}) for both.
 *
 * <p>Open one with {@link #open(StoreConfig, KeyEncryptionKeySource)}; it is thread-safe, and meant to
 * live as long as the process. See {@link Database} for how transactions and failures behave, and
 * {@link SealedColumns} for the secrets it keeps sealed under the key-encryption key.
 */
public final class JdbcStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final String description;
    private final StoreConfig config;
    private final HikariDataSource dataSource;
    private final Database db;
    private final TenantRepository tenants;
    private final ScopeRepository scopes;
    private final ClientRepository clients;
    private final SigningKeyRepository keys;
    private final InstallationRepository installation;
    private final UserRepository users;
    private final RevocationRepository revocations;
    private final AdminRepository admins;
    private final AdminSessionRepository adminSessions;
    private final AuditRepository audit;
    /** Replaced by {@link #rotateKeyEncryptionKey}; the repositories ask it for every value. */
    private final AtomicReference<SecretSealer> sealer;
    private final TokenCountRepository tokenCounts;
    private final dev.tollgate.core.store.FederationRepository federation;
    private final FailureCountRepository clientAuthFailures;
    private final ReplayRepository replays;

    private JdbcStore(String description, StoreConfig config, HikariDataSource dataSource, Database db,
                      SecretSealer sealer, boolean postgres) {
        this.description = description;
        this.config = config;
        this.dataSource = dataSource;
        this.db = db;
        this.sealer = new AtomicReference<>(sealer);
        this.tenants = new JdbcTenantRepository(db);
        this.scopes = new JdbcScopeRepository(db);
        this.clients = new JdbcClientRepository(db);
        this.keys = new JdbcSigningKeyRepository(db, this.sealer::get);
        this.installation = new JdbcInstallationRepository(db, this.sealer::get);
        this.users = new JdbcUserRepository(db);
        this.revocations = new JdbcRevocationRepository(db);
        this.admins = new JdbcAdminRepository(db, this.sealer::get);
        this.adminSessions = new JdbcAdminSessionRepository(db);
        this.audit = new JdbcAuditRepository(db);
        this.tokenCounts = new JdbcTokenCountRepository(db, postgres);
        this.federation = new JdbcFederationRepository(db);
        this.clientAuthFailures = new JdbcFailureCountRepository(db, postgres);
        this.replays = new JdbcReplayRepository(db);
    }

    /**
     * Connects (creating the embedded store's directory if need be), brings the schema up to date,
     * takes the key-encryption key from {@code kek} (creating it only when the store holds no sealed
     * value yet), seals any secret still stored in the clear, and logs which store it opened.
     *
     * @throws StoreException when the database can't be reached or migrated, or when {@code kek}
     *                        can't open the secrets already sealed in it
     */
    public static JdbcStore open(StoreConfig config, KeyEncryptionKeySource kek) {
        String description = config.describe();
        if (config.isEmbedded()) {
            createDataDirectory(config.dataDirectory());
            // AUTO_SERVER lets the CLI share the file with a running server through a TCP port H2
            // opens; by default H2 binds it to every interface. Loopback is all the CLI needs.
            if (System.getProperty("h2.bindAddress") == null) {
                System.setProperty("h2.bindAddress", "127.0.0.1");
            }
        }
        HikariDataSource dataSource;
        BrokenConnectionEviction eviction = new BrokenConnectionEviction();
        try {
            HikariConfig hikari = hikariConfig(config);
            hikari.setExceptionOverride(eviction);
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open " + description + ": " + StoreFailure.explain(e), e);
        }
        boolean postgres;
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(migrationLocations(config))
                    .load();
            refuseNewerSchema(flyway);
            MigrateResult migration = flyway.migrate();
            String product = product(dataSource);
            LOG.info("Opened {} ({}, schema version {}{})", description, product,
                    migration.targetSchemaVersion != null ? migration.targetSchemaVersion : migration.initialSchemaVersion,
                    migration.migrationsExecuted > 0 ? ", migrations applied now: " + migration.migrationsExecuted : "");
            postgres = product.startsWith("PostgreSQL");
        } catch (StoreException e) {
            dataSource.close();
            throw e;
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot migrate " + description + ": " + StoreFailure.explain(e), e);
        }
        if (config.isEmbedded()) {
            restrictDataFiles(config.dataDirectory());
        }
        // Fail fast when the store is down: a request waits 2 s at most, not Hikari's default 30 s.
        dataSource.getHikariConfigMXBean().setConnectionTimeout(REQUEST_CONNECTION_TIMEOUT_MS);
        HikariDataSource pool = dataSource;
        eviction.evictAllWith(() -> pool.getHikariPoolMXBean().softEvictConnections());
        Database db = new Database(dataSource);
        try {
            return new JdbcStore(description, config, dataSource, db, openSecrets(db, kek, description), postgres);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Checks that {@code source}'s KEK is the one the store's secrets are sealed under, and seals
     * those still in the clear (a store from before sealing), in one transaction.
     */
    private static SecretSealer openSecrets(Database db, KeyEncryptionKeySource source, String description) {
        return db.inTransaction(() -> db.read("seal the secrets of " + description, c -> {
            Set<String> inUse = SealedColumns.keyIdsInUse(c);
            KeyEncryptionKey kek;
            try {
                kek = source.existing().orElseGet(() -> {
                    if (!inUse.isEmpty()) {
                        // Making a new KEK here would leave every node unable to read the others' secrets.
                        throw new StoreException("the secrets in " + description + " are sealed under key-encryption key "
                                + String.join(", ", inUse) + ", but there is no key-encryption key at " + source.describe()
                                + ": give this node the key the others use (see docs/OPERATIONS.md, Security)");
                    }
                    KeyEncryptionKey created = source.create();
                    LOG.info("Created key-encryption key {} at {}", created.id(), source.describe());
                    return created;
                });
            } catch (IllegalStateException e) {
                throw new StoreException(e.getMessage(), e);
            }
            Set<String> foreign = new TreeSet<>(inUse);
            foreign.remove(kek.id());
            if (!foreign.isEmpty()) {
                throw new StoreException("the secrets in " + description + " are sealed under key-encryption key "
                        + String.join(", ", foreign) + ", but " + source.describe() + " holds key " + kek.id()
                        + ", which can't open them: give this node the key the others use, or finish the rotation"
                        + " (tollgate secrets rotate-kek)");
            }
            SecretSealer sealer = new SecretSealer(kek);
            int sealed = SealedColumns.sealUnsealed(c, sealer);
            if (sealed > 0) {
                LOG.info("Sealed {} secrets that were stored in the clear under key-encryption key {}", sealed, kek.id());
            }
            return sealer;
        }));
    }

    /**
     * Re-seals every secret under {@code next} in one transaction, and seals what this store writes
     * from now on under it. Until it commits, the secrets stay sealed under the current KEK and the
     * store keeps reading them; if it fails, nothing changed. Meant for a process that writes
     * nothing else meanwhile (the CLI): a value this store writes during the re-seal is sealed under
     * the current KEK.
     *
     * @return how many secrets were re-sealed
     */
    public int rotateKeyEncryptionKey(KeyEncryptionKey next) {
        SecretSealer both = sealer.get().rotatingTo(next);
        int resealed = db.inTransaction(() -> db.read("re-seal the secrets of " + description,
                c -> SealedColumns.resealAll(c, both)));
        sealer.set(new SecretSealer(next));
        LOG.info("Re-sealed {} secrets under key-encryption key {}", resealed, next.id());
        return resealed;
    }

    /** The id of the key-encryption key the store seals under. */
    public String keyEncryptionKeyId() {
        return sealer.get().currentKeyId();
    }

    /**
     * Flyway ignores applied migrations it does not know ("future" ones) by default, so an older
     * Tollgate would run on a schema a newer one changed, with queries that no longer fit it.
     */
    private static void refuseNewerSchema(Flyway flyway) {
        MigrationInfo[] applied = flyway.info().applied();
        MigrationInfo newest = applied.length == 0 ? null : applied[applied.length - 1];
        if (newest != null && newest.getState() == MigrationState.FUTURE_SUCCESS) {
            MigrationInfo[] known = flyway.info().all();
            String ours = java.util.Arrays.stream(known).filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS
                    && m.getVersion() != null).map(m -> m.getVersion().getVersion()).reduce((a, b) -> b).orElse("none");
            throw new StoreException("the schema is at version " + newest.getVersion().getVersion()
                    + ", newer than this Tollgate knows (" + ours + "): a newer Tollgate migrated it;"
                    + " run that version, or restore a backup made before the upgrade");
        }
    }

    /**
     * The embedded files hold the private signing keys and the secret-hashing key: owner-only,
     * whatever the umask, and a warning when the directory itself is open to others.
     */
    private static void restrictDataFiles(Path directory) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (var files = Files.newDirectoryStream(directory, "tollgate.*")) {
            for (Path file : files) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            var permissions = Files.getPosixFilePermissions(directory);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                LOG.warn("data directory {} is accessible to other users ({}); chmod 700 it",
                        directory.toAbsolutePath(), PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not restrict permissions of {}: {}", directory.toAbsolutePath(), e.toString());
        }
    }

    /** Longest a request waits for a pooled connection before it is answered 503. */
    static final long REQUEST_CONNECTION_TIMEOUT_MS = 2_000;
    /** Longest opening the store (migration included) waits for a connection. */
    static final long STARTUP_CONNECTION_TIMEOUT_MS = 10_000;

    private static HikariConfig hikariConfig(StoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tollgate-store");
        hikari.setJdbcUrl(config.connectionUrl());
        if (config.connectionUser() != null) {
            hikari.setUsername(config.connectionUser());
        }
        hikari.setPassword(config.connectionPassword());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setAutoCommit(true);
        // Opening and migrating may wait longer for a connection than a request will (a loaded
        // machine's PostgreSQL took over 2 s to accept Flyway's second connection); open() lowers
        // it to REQUEST_CONNECTION_TIMEOUT_MS once the schema is in place.
        hikari.setConnectionTimeout(STARTUP_CONNECTION_TIMEOUT_MS);
        if (config.isPostgres()) {
            hikari.addDataSourceProperty("ApplicationName", "tollgate");
            // Hikari calls the driver directly, so its connection timeout does not bound the driver's
            // login: a server that accepts and never answers held the start forever. The driver's own
            // limits, in seconds, do (StoreOpenFailureTest), unless the URL sets them.
            if (!config.jdbcUrl().contains("loginTimeout")) {
                hikari.addDataSourceProperty("loginTimeout", "2");
            }
            if (!config.jdbcUrl().contains("connectTimeout")) {
                hikari.addDataSourceProperty("connectTimeout", "2");
            }
            // Keep row values (PostgreSQL's "Detail: Key (...)=(...)") out of exception messages,
            // which end up in logs, unless the URL asks for them.
            if (!config.jdbcUrl().contains("logServerErrorDetail")) {
                hikari.addDataSourceProperty("logServerErrorDetail", "false");
            }
        }
        return hikari;
    }

    private static void createDataDirectory(Path directory) {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // Owner-only: the directory holds the private signing keys.
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("data directory " + directory.toAbsolutePath() + " exists but is not a directory", e);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + directory.toAbsolutePath(), e);
        }
    }

    /** PostgreSQL also gets its change notifications (V10); H2 has one node and none. */
    private static String[] migrationLocations(StoreConfig config) {
        return isPostgres(config)
                ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                : new String[] {"classpath:db/migration"};
    }

    private static boolean isPostgres(StoreConfig config) {
        return config.jdbcUrl() != null && config.jdbcUrl().startsWith("jdbc:postgresql:");
    }

    /** On PostgreSQL, LISTENs on a connection of its own (see {@link PostgresChangeListener}). */
    @Override
    public Runnable listenForChanges(ChangeListener listener) {
        if (!isPostgres(config)) {
            return Store.super.listenForChanges(listener);
        }
        Properties credentials = new Properties();
        if (config.user() != null) {
            credentials.setProperty("user", config.user());
        }
        if (config.password() != null) {
            credentials.setProperty("password", config.password());
        }
        PostgresChangeListener listening = new PostgresChangeListener(
                () -> DriverManager.getConnection(config.jdbcUrl(), credentials), listener).start();
        return listening::stop;
    }

    private static String product(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new StoreException("cannot read the database's version", e);
        }
    }

    @Override
    public TenantRepository tenants() {
        return tenants;
    }

    @Override
    public ScopeRepository scopes() {
        return scopes;
    }

    @Override
    public ClientRepository clients() {
        return clients;
    }

    @Override
    public SigningKeyRepository keys() {
        return keys;
    }

    @Override
    public InstallationRepository installation() {
        return installation;
    }

    @Override
    public UserRepository users() {
        return users;
    }

    @Override
    public RevocationRepository revocations() {
        return revocations;
    }

    @Override
    public AdminRepository admins() {
        return admins;
    }

    @Override
    public AdminSessionRepository adminSessions() {
        return adminSessions;
    }

    @Override
    public AuditRepository audit() {
        return audit;
    }

    @Override
    public TokenCountRepository tokenCounts() {
        return tokenCounts;
    }

    @Override
    public FailureCountRepository clientAuthFailures() {
        return clientAuthFailures;
    }

    @Override
    public ReplayRepository replays() {
        return replays;
    }

    @Override
    public dev.tollgate.core.store.FederationRepository federation() {
        return federation;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return db.inTransaction(work);
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Reports the pool's usage (active, idle, pending, acquire time) to {@code factory}; HikariCP
     * accepts this once per pool, on a running pool too.
     */
    public void trackPool(MetricsTrackerFactory factory) {
        dataSource.setMetricsTrackerFactory(factory);
    }

    /** The pool, for tests and tools in this package. */
    DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool; the embedded database closes with its last connection. Idempotent. */
    @Override
    public void close() {
        if (!dataSource.isClosed()) {
            dataSource.close();
            LOG.info("Closed {}", description);
        }
    }
}
