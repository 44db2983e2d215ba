package dev.tollgate.server;

import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.DeviceTokens;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.admin.AutomaticKeyRotation;
import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.admin.PasswordHasher;
import dev.tollgate.core.admin.PasswordHashingPool;
import dev.tollgate.core.audit.AuditWriter;
import dev.tollgate.core.audit.TokenCounters;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.cache.DirectoryInvalidation;
import dev.tollgate.core.cache.StoreReads;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.key.CryptoProviders;
import dev.tollgate.core.dpop.DPoPNonces;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.ClientAssertionVerifier;
import dev.tollgate.core.token.ClientAuthenticator;
import dev.tollgate.core.token.FederatedAssertionVerifier;
import dev.tollgate.core.token.JwksUriCache;
import dev.tollgate.server.http.IssuerDiscovery;
import dev.tollgate.server.config.ClientKeyConfig;
import dev.tollgate.server.http.JwksUriFetcher;
import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.store.JdbcStore;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * The application without its HTTP listener: store, caches, policy and administration, wired once.
 * The CLI uses it directly against the store; {@link TollgateServer} puts HTTP in front of it.
 */
public final class Tollgate implements AutoCloseable {

    /** Name of the installation-wide key for secret hashes; all nodes of one store share it. */
    static final String SECRET_HASH_KEY = "secret-hash-key";
    /** Name of the installation-wide key that signs known-device cookies ({@link DeviceTokens}). */
    static final String DEVICE_COOKIE_KEY = "device-cookie-key";
    /** Name of the installation-wide key that makes server DPoP nonces ({@link DPoPNonces}), the same on every node. */
    static final String DPOP_NONCE_KEY = "dpop-nonce-key";

    private final Store store;
    private final Clock clock;
    private final Directory directory;
    private final TokenService tokens;
    private final Revocations revocations;
    private final ReplayCache replays;
    private final DPoPNonces dpopNonces;
    private final ClientKeyConfig clientKeys;
    private final JwksUriCache jwksUris;
    private final FederatedAssertionVerifier federated;
    private final TokenIntrospector introspector;
    private final AdminAccounts adminAccounts;
    private final AdminOperations adminOperations;
    private final AuditWriter tokenAudit;
    private final TokenCounters tokenCounters;
    private ScheduledExecutorService tokenCounting;
    private final PasswordHashingPool passwordHashing;
    /** Until {@link #sealIssuers}, what the CLI mints with; written once more at most, before serving. */
    private volatile Function<TenantId, String> issuers;
    private boolean issuersSealed;
    /** What the issuers were before the seal, for a start that fails before serving. */
    private Function<TenantId, String> unsealedIssuers;
    private volatile CountDownLatch sealing;
    private ScheduledExecutorService auditPruning;
    private final AutomaticKeyRotation keyRotation;
    private ScheduledExecutorService keyRotating;
    private ScheduledExecutorService failureSharing;
    private Runnable stopListening;

    private static final Logger LOG = LoggerFactory.getLogger(Tollgate.class);

    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers) {
        this(store, clock, issuers, Directory::withDefaults);
    }

    /**
     * @param directories builds the token path's cache over the store; tests pass one with short
     *                    staleness bounds to see changes made behind its back
     */
    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers,
                    Function<Store, Directory> directories) {
        this(store, clock, issuers, directories, AdminAccounts.Settings.DEFAULTS);
    }

    /** @param sessions the console's session timeouts */
    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers,
                    Function<Store, Directory> directories, AdminAccounts.Settings sessions) {
        this(store, clock, issuers, directories, sessions, FailureLimiter.Settings.loginDefaults());
    }

    /** @param loginLimits failed console logins, counted per account, per source address and per known device alike */
    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers,
                    Function<Store, Directory> directories, AdminAccounts.Settings sessions,
                    FailureLimiter.Settings loginLimits) {
        this(store, clock, issuers, directories, sessions, loginLimits, PasswordHashingPool.defaultPermits());
    }

    /** @param hashingPermits password hashes (logins, password checks) running at once, at most */
    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers,
                    Function<Store, Directory> directories, AdminAccounts.Settings sessions,
                    FailureLimiter.Settings loginLimits, int hashingPermits) {
        this(store, clock, issuers, directories, sessions, loginLimits, hashingPermits, ClientKeyConfig.DEFAULTS);
    }

    /** @param clientKeys private_key_jwt: assertion checks and how client jwks_uri are fetched */
    public Tollgate(Store store, Clock clock, Function<TenantId, String> issuers,
                    Function<Store, Directory> directories, AdminAccounts.Settings sessions,
                    FailureLimiter.Settings loginLimits, int hashingPermits, ClientKeyConfig clientKeys) {
        this.store = store;
        this.clock = clock;
        this.issuers = issuers;
        CryptoProviders.installPreferred();
        SecretHasher hasher = new SecretHasher(installationKey(store, SECRET_HASH_KEY));
        this.directory = directories.apply(store);
        ChangeListener invalidate = new DirectoryInvalidation(directory);
        this.replays = new ReplayCache(store.replays(), clock, ReplayCache.DEFAULT_MAX_ENTRIES);
        this.dpopNonces = new DPoPNonces(installationKey(store, DPOP_NONCE_KEY), clock);
        this.clientKeys = clientKeys;
        JwksUriFetcher fetcher = new JwksUriFetcher(clientKeys);
        this.jwksUris = new JwksUriCache(fetcher, clientKeys.assertions(), clock);
        // Trusted issuers' keys share the jwks_uri cache and fetcher: same guards, one place to tune.
        this.federated = new FederatedAssertionVerifier(store.federation(), replays, jwksUris,
                new IssuerDiscovery(fetcher), clientKeys.assertions(), clock);
        this.tokens = new TokenService(directory, new ClientAuthenticator(hasher),
                new ClientAssertionVerifier(replays, jwksUris, clientKeys.assertions(), clock), federated,
                t -> currentIssuers().apply(t), clock);
        this.revocations = new Revocations(store, clock);
        this.introspector = new TokenIntrospector(directory, revocations, clock);
        this.passwordHashing = new PasswordHashingPool(hashingPermits);
        PasswordHasher passwords = new PasswordHasher(PasswordHasher.DEFAULT_ITERATIONS, passwordHashing);
        // Its own key, not the secret-hash key: a key does one job, so neither leaks into the other.
        this.adminAccounts = new AdminAccounts(store, passwords,
                new FailureLimiter(loginLimits, clock),
                new FailureLimiter(loginLimits, clock),
                new DeviceTokens(installationKey(store, DEVICE_COOKIE_KEY), clock),
                new FailureLimiter(loginLimits, clock),
                sessions, clock);
        this.adminOperations = new AdminOperations(store, hasher, passwords, revocations,
                forgettingFederation(invalidate, federated), clock);
        this.tokenAudit = new AuditWriter(store.audit(), TOKEN_AUDIT_BATCH);
        this.tokenCounters = new TokenCounters(store.tokenCounts(), clock, MAX_UNWRITTEN_TOKEN_COUNTS);
        this.keyRotation = new AutomaticKeyRotation(store, adminOperations.keys(), clock);
    }

    /**
     * How often every node looks for tenants whose keys are due for their automatic rotation: a
     * rotation happens at most this late, and a deferred one is retried this often.
     */
    static final Duration KEY_ROTATION_TICK = Duration.ofMinutes(1);

    /**
     * How often a node adds its failed client authentications to the cluster's per-address counts
     * and reads them back: the batch that makes the shared limit approximate (OPERATIONS.md,
     * *Client lockout*). One upsert batch when there were failures and one indexed read per second.
     */
    static final Duration FAILURE_SHARING_INTERVAL = Duration.ofSeconds(1);

    /**
     * {@code changes}, and the federation verifier's cached bindings and issuers forgotten after each
     * tenant or client change on this node (other nodes see them within its cache time).
     */
    private static ChangeListener forgettingFederation(ChangeListener changes, FederatedAssertionVerifier federated) {
        return new ChangeListener() {
            @Override
            public void tenantChanged(TenantId tenant) {
                changes.tenantChanged(tenant);
                federated.forget();
            }

            @Override
            public void clientChanged(TenantId tenant, dev.tollgate.core.client.ClientId client) {
                changes.clientChanged(tenant, client);
                federated.forget();
            }

            @Override
            public void keysChanged(TenantId tenant) {
                changes.keysChanged(tenant);
            }

            @Override
            public void revocationsChanged() {
                changes.revocationsChanged();
            }

            @Override
            public void everythingChanged() {
                changes.everythingChanged();
                federated.forget();
            }
        };
    }

    /**
     * Rows of token counts kept through a store outage, at most: a few MB, and at 1,000 active
     * clients an hour of both outcomes' minutes.
     */
    private static final int MAX_UNWRITTEN_TOKEN_COUNTS = 100_000;

    /** Events per group commit of the token audit: large enough that the store sees few writes under load. */
    private static final int TOKEN_AUDIT_BATCH = 512;

    public static Tollgate open(ServerConfig config, Clock clock) {
        Store store = JdbcStore.open(config.store(), config.keyEncryptionKeySource());
        try {
            var bulkheads = config.bulkheads();
            return new Tollgate(store, clock, issuersFor(config.publicUrl()),
                    s -> Directory.configured(s, bulkheads.outageGrace(),
                            StoreReads.of(bulkheads.readPermits(), bulkheads.readTimeout())),
                    config.sessions(), config.loginLimits(), config.loginHashingPermits(), config.clientKeys());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public static Function<TenantId, String> issuersFor(String publicUrl) {
        String base = publicUrl == null ? "http://localhost:" + ServerConfig.DEFAULT_PORT : publicUrl;
        return tenant -> base + "/t/" + tenant.value();
    }

    /**
     * Hears the changes other nodes and the CLI commit, where the store pushes them (PostgreSQL),
     * and drops what the caches hold of them at once. Idempotent.
     */
    synchronized void listenForChanges() {
        if (stopListening == null) {
            stopListening = store.listenForChanges(new DirectoryInvalidation(directory, revocations));
        }
    }

    /**
     * Deletes audit events older than {@code retention} a minute after start, then hourly, on a daemon thread.
     * Idempotent: a second call changes nothing.
     */
    synchronized void startAuditPruning(Duration retention) {
        if (auditPruning != null) {
            return;
        }
        auditPruning = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("tollgate-audit-pruning").factory());
        auditPruning.scheduleWithFixedDelay(() -> {
            try {
                int deleted = store.audit().deleteBefore(clock.instant().minus(retention));
                if (deleted > 0) {
                    LOG.info("audit: deleted {} events older than {}", deleted, retention);
                }
                store.tokenCounts().deleteBefore(clock.instant().minus(retention));
            } catch (RuntimeException e) {
                LOG.warn("audit pruning failed, retrying in an hour: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    /**
     * Adds the token counts to the store every {@code interval}, on a daemon thread; {@link #close}
     * adds the last ones. Idempotent: a second call changes nothing.
     */
    synchronized void startTokenCounting(Duration interval) {
        if (tokenCounting != null) {
            return;
        }
        tokenCounting = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("tollgate-token-counts").factory());
        long millis = interval.toMillis();
        tokenCounting.scheduleWithFixedDelay(this::flushTokenCounts, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Rotates the keys of tenants whose schedule says so, every {@code tick}, on a daemon thread
     * ({@link AutomaticKeyRotation}: every node ticks, exactly one rotates). Idempotent.
     */
    synchronized void startKeyRotation(Duration tick) {
        if (keyRotating != null) {
            return;
        }
        keyRotating = everyInterval("tollgate-key-rotation", tick, () -> {
            try {
                keyRotation.tick();
            } catch (RuntimeException e) {
                LOG.warn("automatic key rotation: tenants not read, retrying in {}: {}", tick, e.getMessage());
            }
        });
    }

    /**
     * Shares {@code guard}'s per-address failure counts with the other nodes of the store every
     * {@code interval}, on a daemon thread. Idempotent.
     */
    synchronized void startFailureSharing(ClientAuthenticationGuard guard, Duration interval) {
        if (failureSharing != null) {
            return;
        }
        failureSharing = everyInterval("tollgate-failure-sharing", interval, () -> {
            try {
                guard.shareFailures();
            } catch (RuntimeException e) {
                // Kept for the next flush; meanwhile this node limits on its own counts. The store's
                // own health is reported by readiness, so once a second at DEBUG is enough here.
                LOG.debug("failed authentications not shared, kept for the next flush: {}", e.getMessage());
            }
        });
    }

    /** {@code task} on a daemon thread of its own, {@code interval} after start and after each run. */
    private static ScheduledExecutorService everyInterval(String thread, Duration interval, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name(thread).factory());
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }

    private void flushTokenCounts() {
        try {
            tokenCounters.flush();
        } catch (RuntimeException e) {
            // Kept in memory for the next flush; the token path never notices.
            LOG.warn("token counts not written, kept for the next flush: {}", e.getMessage());
        }
    }

    /**
     * Fixes the issuers for good, before the first token request is served ({@link TollgateServer}
     * seals them before the listener opens, or, with port 0, before it lets a request through).
     * Sealed once: a token's issuer never changes under a running server.
     */
    synchronized void sealIssuers(Function<TenantId, String> finalIssuers) {
        if (issuersSealed) {
            throw new IllegalStateException("issuers are already sealed");
        }
        this.unsealedIssuers = issuers;
        this.issuers = finalIssuers;
        this.issuersSealed = true;
        releaseIssuers();
    }

    /**
     * Undoes {@link #sealIssuers}, for a listener that failed to start: it served nothing, so no
     * token carries the sealed issuer, and the next start (on another port, say) seals its own.
     */
    synchronized void unsealIssuers() {
        if (!issuersSealed) {
            throw new IllegalStateException("issuers are not sealed");
        }
        this.issuers = unsealedIssuers;
        this.unsealedIssuers = null;
        this.issuersSealed = false;
    }

    /**
     * Makes every use of the issuers wait until {@link #sealIssuers}: for a listener bound to port 0,
     * whose issuers name the port the system picked, between its binding and the seal.
     */
    synchronized void holdIssuersUntilSealed() {
        if (!issuersSealed) {
            sealing = new CountDownLatch(1);
        }
    }

    /** Lets waiting uses through: after the seal, or when the listener failed to start. */
    synchronized void releaseIssuers() {
        CountDownLatch latch = sealing;
        sealing = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** The issuers, once sealed if a listener is waiting for its port; one extra volatile read otherwise. */
    private Function<TenantId, String> currentIssuers() {
        CountDownLatch latch = sealing;
        if (latch != null) {
            boolean interrupted = false;
            while (latch.getCount() > 0) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return issuers;
    }

    /**
     * Creates the default tenant with its two credentials when the store has no tenant yet.
     *
     * @return the new tenant with its secrets (to print once), or empty on every later start
     */
    public Optional<ProvisionedTenant> bootstrap(TenantId tenant) {
        if (!store.tenants().list().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(adminOperations.tenants().create(Actor.system(tenant), tenant,
                    "Tenant " + tenant.value(), TenantSettings.DEFAULTS));
        } catch (AdminFailure.Conflict lostTheRace) {
            // Another node started on the same empty store a moment ago and provisioned it: the check
            // above can't see a tenant until that node commits, so the losing insert is the only sign.
            // Its whole transaction rolled back; this start is now like any later one.
            return Optional.empty();
        }
    }

    /** A random 256-bit key kept in the store under {@code name}, created by whichever node needs it first. */
    private static byte[] installationKey(Store store, String name) {
        return store.installation().find(name).orElseGet(() -> {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return store.installation().putIfAbsent(name, key);
        });
    }

    public Store store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    public Directory directory() {
        return directory;
    }

    public TokenService tokens() {
        return tokens;
    }

    /**
     * Revoked tokens and client-wide revocations, checked in memory: what the built-in APIs and
     * introspection ask before accepting a token ({@link Revocations#isRevoked}).
     */
    public Revocations revocations() {
        return revocations;
    }

    /**
     * Single-use identifiers (client assertions' and DPoP proofs' {@code jti}) across every node of
     * the store; {@link TollgateServer} starts its pruning.
     */
    public ReplayCache replays() {
        return replays;
    }

    public DPoPNonces dpopNonces() {
        return dpopNonces;
    }

    /** private_key_jwt settings: what registrations of a jwks_uri are checked against. */
    public ClientKeyConfig clientKeys() {
        return clientKeys;
    }

    /** Keys fetched from clients' jwks_uri; forget one when its client registers another. */
    public JwksUriCache jwksUris() {
        return jwksUris;
    }

    /** Whether a string is an active access token of a tenant: signature, expiry and revocation. */
    public TokenIntrospector introspector() {
        return introspector;
    }

    /** Console logins and sessions. */
    public AdminAccounts adminAccounts() {
        return adminAccounts;
    }

    /** Every change to a tenant's state, capability-checked and audited: for the admin API, console, CLI and users API. */
    public AdminOperations adminOperations() {
        return adminOperations;
    }

    /** Token issued/refused events, group-committed. */
    public AuditWriter tokenAudit() {
        return tokenAudit;
    }

    /** Tokens issued and refused per client and minute, added to the store in batches. */
    public TokenCounters tokenCounters() {
        return tokenCounters;
    }

    public Function<TenantId, String> issuers() {
        return currentIssuers();
    }

    /** The automatic key rotation this node runs; tests tick it by hand with their clock. */
    public AutomaticKeyRotation keyRotation() {
        return keyRotation;
    }

    /** Lets a flush in progress finish, so the last one below sees everything it did not write. */
    private static void awaitQuietly(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (auditPruning != null) {
                auditPruning.shutdownNow();
            }
            if (keyRotating != null) {
                keyRotating.shutdown();
                awaitQuietly(keyRotating);
            }
            if (failureSharing != null) {
                failureSharing.shutdown();
                awaitQuietly(failureSharing);
            }
            if (tokenCounting != null) {
                tokenCounting.shutdown();
                awaitQuietly(tokenCounting);
            }
            if (stopListening != null) {
                stopListening.run();
            }
        }
        revocations.close();
        replays.close();
        tokenAudit.close();
        flushTokenCounts();
        passwordHashing.close();
        store.close();
    }
}
