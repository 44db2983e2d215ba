package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
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

/**
 * The token path's view of the store: tenants, clients and key rings, cached so that a request
 * for a known client makes no database round trip.
 *
 * <p>Staleness is bounded two ways. An entry older than {@code refreshAfter} is reloaded in the
 * background on its next use (the request that triggers it is served the old value, so the hot
 * path never waits on the database). An entry older than {@code maxStaleness} is not served at
 * all. Changes made through this process invalidate at once; changes made by another process (the
 * CLI, another node) are seen within {@code maxStaleness}. Unknown ids are cached too, so a flood
 * of made-up client ids costs one lookup each, not one per request.
 */
public final class Directory {

    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);

    private record ClientKey(TenantId tenant, ClientId client) {
    }

    private final LoadingCache<TenantId, Optional<Tenant>> tenants;
    private final LoadingCache<ClientKey, Optional<ClientCredential>> clients;
    private final LoadingCache<TenantId, Optional<SigningKeyRing>> keyRings;

    public Directory(Store store, Duration refreshAfter, Duration maxStaleness, long maximumClients) {
        this.tenants = Caffeine.newBuilder()
                .maximumSize(10_000)
                .refreshAfterWrite(refreshAfter)
                .expireAfterWrite(maxStaleness)
                .recordStats()
                .build(id -> store.tenants().find(id));
        this.clients = Caffeine.newBuilder()
                .maximumSize(maximumClients)
                .refreshAfterWrite(refreshAfter)
                .expireAfterWrite(maxStaleness)
                .recordStats()
                .build(key -> store.clients().find(key.tenant(), key.client()));
        this.keyRings = Caffeine.newBuilder()
                .maximumSize(10_000)
                .refreshAfterWrite(refreshAfter)
                .expireAfterWrite(maxStaleness)
                .recordStats()
                .build(id -> {
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
    }

    public static Directory withDefaults(Store store) {
        return new Directory(store, Duration.ofSeconds(2), Duration.ofSeconds(10), 100_000);
    }

    public Optional<Tenant> tenant(TenantId id) {
        return tenants.get(id);
    }

    public Optional<ClientCredential> client(TenantId tenant, ClientId id) {
        return clients.get(new ClientKey(tenant, id));
    }

    public Optional<SigningKeyRing> keyRing(TenantId tenant) {
        return keyRings.get(tenant);
    }

    /**
     * The three caches by name, for metrics binders (hit rate, loads, evictions) to read their
     * statistics. Stats are recorded with Caffeine's striped counters: a few nanoseconds a lookup.
     * Callers read; they do not put or invalidate.
     */
    public Map<String, Cache<?, ?>> caches() {
        return Map.of("tenants", tenants, "clients", clients, "key_rings", keyRings);
    }

    public void invalidateTenant(TenantId id) {
        tenants.invalidate(id);
    }

    public void invalidateClient(TenantId tenant, ClientId id) {
        clients.invalidate(new ClientKey(tenant, id));
    }

    public void invalidateKeys(TenantId tenant) {
        keyRings.invalidate(tenant);
    }
}
