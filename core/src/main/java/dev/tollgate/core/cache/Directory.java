package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The token path's view of the store: tenants, clients and key rings, cached so that a request
 * for a known client makes no database round trip.
 *
 * <p>An entry older than {@code refreshAfter} is reloaded in the background on its next use (the
 * request that triggers it is served the old value, so the hot path never waits on the database).
 * An entry not reloaded for {@code maxStaleness} (it sat unused) is read again before it is served,
 * within the {@link StoreReads} deadline. Changes made through this process invalidate at once;
 * changes made by another process (the CLI, another node) are seen within {@code maxStaleness}.
 *
 * <p>While the store is away or slow, a loaded entry keeps being served for {@code outageGrace}
 * from its last successful read (issue 13): a refresh that fails keeps the old value, and an entry
 * past {@code maxStaleness} is served as it is once a read has failed, without asking the store.
 * The price: a change made elsewhere while this node cannot read the store (a client disabled
 * through another node during a network partition) is not seen until the store answers again or
 * the grace runs out. An id not in memory costs one bounded read; while the store is known to be
 * down it is refused at once ({@link StoreReads}).
 *
 * <p>Unknown tenant and client ids are remembered apart from known ones, for {@code unknownFor}
 * and up to a bound of their own: a flood of made-up ids costs one store lookup per id per
 * {@code unknownFor}, answers as fast as a known id does (issue 11: 2.6 ms against 2.0 ms told
 * them apart), and can only push out other unknown ids, never a known client. Creating a tenant or
 * client in this process forgets its absence at once; created elsewhere, it is seen within
 * {@code unknownFor}.
 */
public final class Directory {

    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);
    private static final long MAXIMUM_TENANTS = 10_000;

    /** How soon a cached entry is reloaded in the background after it was read from the store. */
    public static final Duration DEFAULT_REFRESH_AFTER = Duration.ofSeconds(2);
    /**
     * How stale a cached tenant, client or key ring may be served: a change another node made is seen
     * within this. Key rotation waits it out before a new key signs ({@link dev.tollgate.core.key.KeyRotation}).
     */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(10);

    /** Default of {@code store.outage-grace}: outlasts a database failover or restart, see docs/OPERATIONS.md. */
    public static final Duration DEFAULT_OUTAGE_GRACE = Duration.ofMinutes(5);
    /** Default of {@code store.read-timeout}: a healthy read takes about a millisecond. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMillis(500);
    /** Default of {@code store.read-permits}: below the pool's 10 connections, so admin work keeps some. */
    public static final int DEFAULT_READ_PERMITS = 6;

    /**
     * How stale the token path's view may be.
     *
     * @param refreshAfter  age after which a used entry is reloaded in the background
     * @param maxStaleness  age after which an entry is read again before it is served, while the store answers
     * @param outageGrace   age after which an entry is dropped even when the store cannot be read
     * @param unknownFor    how long an id the store does not have is answered as unknown without asking it again
     */
    public record Staleness(Duration refreshAfter, Duration maxStaleness, Duration outageGrace, Duration unknownFor) {
        public Staleness {
            if (maxStaleness.compareTo(refreshAfter) < 0) {
                throw new IllegalArgumentException("maxStaleness must be at least refreshAfter");
            }
            if (outageGrace.compareTo(maxStaleness) < 0) {
                throw new IllegalArgumentException("outageGrace must be at least maxStaleness");
            }
        }

        public static Staleness defaults() {
            return new Staleness(DEFAULT_REFRESH_AFTER, DEFAULT_MAX_STALENESS, DEFAULT_OUTAGE_GRACE,
                    Duration.ofSeconds(2));
        }

        public Staleness withOutageGrace(Duration grace) {
            return new Staleness(refreshAfter, maxStaleness, grace, unknownFor);
        }
    }

    private record ClientKey(TenantId tenant, ClientId client) {
    }

    /** A value and the ticker time of the store read that returned it. */
    private record Loaded<V>(V value, long readAt) {
    }

    /** Present values only: a loader's null (not in the store) is not cached here but in the unknown caches. */
    private final LoadingCache<TenantId, Loaded<Tenant>> tenants;
    private final LoadingCache<ClientKey, Loaded<ClientCredential>> clients;
    private final LoadingCache<TenantId, Loaded<Optional<SigningKeyRing>>> keyRings;
    private final Absences<TenantId> unknownTenants;
    private final Absences<ClientKey> unknownClients;
    private final StoreReads reads;
    private final Ticker ticker;
    private final long maxStalenessNanos;

    public Directory(Store store, Duration refreshAfter, Duration maxStaleness, long maximumClients) {
        this(store, refreshAfter, maxStaleness, maximumClients, refreshAfter, Ticker.systemTicker());
    }

    /**
     * @param unknownFor how long an id the store does not have is answered as unknown without asking
     *                   it again; the bound on seeing a tenant or client created by another process
     * @param ticker     the caches' time source ({@link Ticker#systemTicker()} but in tests)
     */
    public Directory(Store store, Duration refreshAfter, Duration maxStaleness, long maximumClients,
                     Duration unknownFor, Ticker ticker) {
        this(store, new Staleness(refreshAfter, maxStaleness, maxStaleness.compareTo(DEFAULT_OUTAGE_GRACE) > 0
                        ? maxStaleness : DEFAULT_OUTAGE_GRACE, unknownFor), maximumClients,
                new StoreReads(DEFAULT_READ_PERMITS, DEFAULT_READ_TIMEOUT, Executors.newVirtualThreadPerTaskExecutor(),
                        ticker), ticker);
    }

    /** @param reads bounds the store reads the caches make, in number and in time */
    public Directory(Store store, Staleness staleness, long maximumClients, StoreReads reads, Ticker ticker) {
        this.reads = reads;
        this.ticker = ticker;
        this.maxStalenessNanos = staleness.maxStaleness().toNanos();
        this.tenants = cache(MAXIMUM_TENANTS, staleness, id -> store.tenants().find(id).orElse(null));
        this.clients = cache(maximumClients, staleness,
                key -> store.clients().find(key.tenant(), key.client()).orElse(null));
        this.keyRings = cache(MAXIMUM_TENANTS, staleness, id -> {
            var keys = store.keys().list(id);
            if (keys.isEmpty()) {
                return Optional.<SigningKeyRing>empty();
            }
            try {
                return Optional.of(SigningKeyRing.of(keys));
            } catch (IllegalStateException e) {
                // A ring without a CURRENT key (only after manual edits) can't sign; say so once per load.
                LOG.error("tenant {} has no usable signing key: {}", id, e.getMessage());
                return Optional.<SigningKeyRing>empty();
            }
        });
        this.unknownTenants = new Absences<>(MAXIMUM_TENANTS, staleness.unknownFor(), ticker);
        this.unknownClients = new Absences<>(maximumClients, staleness.unknownFor(), ticker);
    }

    private <K, V> LoadingCache<K, Loaded<V>> cache(long maximumSize, Staleness staleness, Function<K, V> read) {
        long graceNanos = staleness.outageGrace().toNanos();
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .refreshAfterWrite(staleness.refreshAfter())
                // Not expireAfterWrite: a refresh that failed rewrites the old value, so the entry
                // lives for the grace from its last successful read, not from its last write.
                .expireAfter(new Expiry<K, Loaded<V>>() {
                    @Override
                    public long expireAfterCreate(K key, Loaded<V> value, long currentTime) {
                        return Math.max(0, graceNanos - (currentTime - value.readAt()));
                    }

                    @Override
                    public long expireAfterUpdate(K key, Loaded<V> value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(K key, Loaded<V> value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(ticker)
                .recordStats()
                .build(new CacheLoader<K, Loaded<V>>() {
                    @Override
                    public Loaded<V> load(K key) {
                        return loaded(reads.read(() -> read.apply(key)));
                    }

                    @Override
                    public CompletableFuture<Loaded<V>> asyncReload(K key, Loaded<V> old, Executor executor) {
                        // A failed refresh hands back the old value with its old read time: kept, not renewed.
                        return reads.readAsync(() -> read.apply(key))
                                .handle((value, failure) -> failure != null ? old : loaded(value));
                    }
                });
    }

    private <V> Loaded<V> loaded(V value) {
        return value == null ? null : new Loaded<>(value, ticker.read());
    }

    /**
     * The entry's value: from memory while it is younger than {@code maxStaleness} or the store is
     * down; else read again within the deadline, and served as it was when that read fails.
     */
    private <K, V> V lookUp(LoadingCache<K, Loaded<V>> cache, K key) {
        Loaded<V> cached = cache.policy().getIfPresentQuietly(key);
        if (cached != null && ticker.read() - cached.readAt() > maxStalenessNanos && !reads.isDown()) {
            try {
                cache.refresh(key).get(reads.timeoutNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The refresh keeps the old value when it fails; a slow one finishes in the background.
            }
        }
        Loaded<V> entry = cache.get(key);
        return entry == null ? null : entry.value();
    }

    public static Directory withDefaults(Store store) {
        return new Directory(store, DEFAULT_REFRESH_AFTER, DEFAULT_MAX_STALENESS, 100_000);
    }

    /** The defaults but for the grace and the read bounds, as the server's configuration sets them. */
    public static Directory configured(Store store, Duration outageGrace, StoreReads reads) {
        return new Directory(store, Staleness.defaults().withOutageGrace(outageGrace), 100_000, reads,
                Ticker.systemTicker());
    }

    /** Whether the token path's last store read failed: it is serving what it had loaded. */
    public boolean storeDown() {
        return reads.isDown();
    }

    /**
     * Whether tokens can be signed without the store: some key ring is in memory, and every one in
     * memory can sign. Readiness asks it while the store does not answer.
     */
    public boolean canSignFromMemory() {
        var rings = keyRings.asMap().values();
        return !rings.isEmpty() && rings.stream().allMatch(ring -> ring.value().isPresent());
    }

    public Optional<Tenant> tenant(TenantId id) {
        return unknownTenants.lookUp(id, key -> lookUp(tenants, key));
    }

    public Optional<ClientCredential> client(TenantId tenant, ClientId id) {
        return unknownClients.lookUp(new ClientKey(tenant, id), key -> lookUp(clients, key));
    }

    public Optional<SigningKeyRing> keyRing(TenantId tenant) {
        Optional<SigningKeyRing> ring = lookUp(keyRings, tenant);
        return ring == null ? Optional.empty() : ring;
    }

    /**
     * The caches by name, for metrics binders (hit rate, loads, evictions) to read their
     * statistics. Stats are recorded with Caffeine's striped counters: a few nanoseconds a lookup.
     * Callers read; they do not put or invalidate.
     */
    public Map<String, Cache<?, ?>> caches() {
        return Map.of("tenants", tenants, "clients", clients, "key_rings", keyRings,
                "unknown_tenants", unknownTenants.cache(), "unknown_clients", unknownClients.cache());
    }

    public void invalidateTenant(TenantId id) {
        unknownTenants.forget(id);
        tenants.invalidate(id);
    }

    public void invalidateClient(TenantId tenant, ClientId id) {
        ClientKey key = new ClientKey(tenant, id);
        unknownClients.forget(key);
        clients.invalidate(key);
    }

    public void invalidateKeys(TenantId tenant) {
        keyRings.invalidate(tenant);
    }

    /** After changes may have been missed: the next request of each kind reloads from the store. */
    public void invalidateAll() {
        unknownTenants.cache().invalidateAll();
        unknownClients.cache().invalidateAll();
        tenants.invalidateAll();
        clients.invalidateAll();
        keyRings.invalidateAll();
    }
}
