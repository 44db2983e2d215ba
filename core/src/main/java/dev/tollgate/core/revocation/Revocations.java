package dev.tollgate.core.revocation;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Revocation as the token checks see it: a {@link RevocationList} in memory, written through to
 * the store, so that {@link #isRevoked} never makes a database round trip.
 *
 * <p>A revocation made in this process applies at once. One made by another process (the CLI,
 * another node) is seen at the next reload, every {@link #REFRESH_EVERY} while refreshing runs.
 * A reload reads every entry that is still unexpired; that is cheap because only revoked tokens
 * that have not expired yet are kept (hours at most), and one cutoff per client.
 */
public final class Revocations implements AutoCloseable {

    public static final Duration REFRESH_EVERY = Duration.ofSeconds(5);
    public static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);

    private final Store store;
    private final Clock clock;
    private final RevocationList list = new RevocationList();
    private ScheduledExecutorService refresher;

    public Revocations(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Revokes one token; the same token again is a no-op. */
    public void revokeToken(TenantId tenant, ClientId client, String jti, Instant expiresAt) {
        RevokedToken token = new RevokedToken(tenant, client, jti, expiresAt);
        // Stored first: a revocation this process reports must survive a crash right after it.
        store.revocations().insert(token);
        list.add(token);
    }

    /**
     * Revokes every token issued to the client until now (an administrative action).
     *
     * @return the cutoff: tokens with an {@code iat} before its {@code notBefore} are revoked
     * @throws AdminFailure.NotFound when the tenant has no such client
     */
    public ClientTokenCutoff revokeAllTokens(TenantId tenant, ClientId client) {
        if (store.clients().find(tenant, client).isEmpty()) {
            throw new AdminFailure.NotFound("no client " + client + " in tenant " + tenant);
        }
        ClientTokenCutoff cutoff = storeCutoff(tenant, client);
        apply(cutoff);
        return cutoff;
    }

    /**
     * Stores the cutoff for "every token issued to the client until now" without applying it in
     * this process: for a caller whose transaction may still roll back (a refused delete must not
     * revoke anything), which then calls {@link #apply} once it has committed. Doesn't check that
     * the client exists; a cutoff of an unknown client revokes nothing.
     */
    public ClientTokenCutoff storeCutoff(TenantId tenant, ClientId client) {
        ClientTokenCutoff cutoff = ClientTokenCutoff.revokedAt(tenant, client, clock.instant());
        store.revocations().upsert(cutoff);
        return cutoff;
    }

    /** Applies a cutoff already stored by {@link #storeCutoff}: from now on for every check in this process. */
    public void apply(ClientTokenCutoff cutoff) {
        list.add(cutoff);
    }

    /** In memory only. @param issuedAt the token's {@code iat} */
    public boolean isRevoked(TenantId tenant, ClientId client, String jti, Instant issuedAt) {
        return list.isRevoked(tenant, client, jti, issuedAt);
    }

    /** Merges what the store holds (revocations by other processes) into the list, and drops expired entries. */
    public void refresh() {
        Instant now = clock.instant();
        store.revocations().listTokens(now).forEach(list::add);
        store.revocations().listCutoffs(now).forEach(list::add);
        list.prune(now);
    }

    /** Deletes expired entries from the store and from memory. @return rows deleted from the store */
    public int prune() {
        Instant now = clock.instant();
        int deleted = store.revocations().deleteExpired(now);
        list.prune(now);
        return deleted;
    }

    /**
     * Loads the store's revocations now (so a restarted server knows every revocation before its
     * first request), then keeps reloading and pruning on a background thread until {@link #close()}.
     */
    public synchronized void startRefreshing() {
        if (refresher != null) {
            return;
        }
        refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("tollgate-revocations").daemon(true).factory());
        long refreshMillis = REFRESH_EVERY.toMillis();
        long pruneMillis = PRUNE_EVERY.toMillis();
        refresher.scheduleWithFixedDelay(() -> quietly("reload", this::refresh),
                refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        refresher.scheduleWithFixedDelay(() -> quietly("prune", this::prune),
                pruneMillis, pruneMillis, TimeUnit.MILLISECONDS);
    }

    /** A store outage must not end the schedule; the list in memory keeps serving meanwhile. */
    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {} revocations: {}", what, e.toString());
        }
    }

    /** Stops refreshing; idempotent. */
    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }
}
