package dev.tollgate.core.admin;

import dev.tollgate.core.key.KeyRotationSchedule;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rotates every tenant's keys on its schedule ({@code key_rotation_interval}). Every node calls
 * {@link #tick} on a timer; the rotation's guarded plan lets exactly one node rotate a due tenant
 * (on PostgreSQL the second node's guarded UPDATE waits for the first to commit, then matches no
 * row; on the embedded store the same holds between the processes' transactions), so no lock or
 * leader is needed, and a node that is down simply leaves the rotation to the others.
 *
 * <p>A tick reads the tenant list (one query); a tenant's keys are read only once its CURRENT key,
 * as this node last saw it, has signed for the interval. The CURRENT key's activation only moves
 * later (a rotation, here or on another node, or a revocation), so that remembered time never makes
 * a tick late, at worst one read early.
 */
public final class AutomaticKeyRotation {

    private static final Logger LOG = LoggerFactory.getLogger(AutomaticKeyRotation.class);

    private final Store store;
    private final KeyOperations keys;
    private final Clock clock;
    /** When each tenant's CURRENT key started signing, as last read; absent: read the keys on the next tick. */
    private final Map<TenantId, Instant> currentSince = new ConcurrentHashMap<>();

    public AutomaticKeyRotation(Store store, KeyOperations keys, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Looks at every tenant with automatic rotation on and rotates those that are due. A failure for
     * one tenant (the store away) is logged and retried on the next tick; the others go on.
     *
     * @return what happened for each tenant whose keys were read
     */
    public synchronized List<ScheduledRotation> tick() {
        List<ScheduledRotation> outcomes = new ArrayList<>();
        Instant now = clock.instant();
        List<Tenant> tenants = store.tenants().list();
        currentSince.keySet().retainAll(tenants.stream().map(Tenant::id).toList());
        for (Tenant tenant : tenants) {
            Duration interval = tenant.settings().keyRotationInterval();
            if (interval == null) {
                continue;
            }
            Instant since = currentSince.get(tenant.id());
            if (since != null && now.isBefore(since.plus(interval))) {
                continue;
            }
            try {
                ScheduledRotation outcome = keys.rotateIfDue(tenant.id());
                outcomes.add(outcome);
                log(outcome, interval);
                if (outcome.currentSince() != null) {
                    currentSince.put(tenant.id(), outcome.currentSince());
                } else {
                    currentSince.remove(tenant.id());
                }
            } catch (AdminFailure.NotFound deletedMeanwhile) {
                currentSince.remove(tenant.id());
            } catch (RuntimeException e) {
                LOG.warn("automatic key rotation of tenant {} failed, retrying on the next tick: {}", tenant.id(),
                        e.getMessage());
            }
        }
        return outcomes;
    }

    private static void log(ScheduledRotation outcome, Duration interval) {
        switch (outcome.decision()) {
            case KeyRotationSchedule.Due due when outcome.rotated() -> LOG.info(
                    "rotated the signing keys of tenant {}: due at {} (every {})", outcome.tenant(), due.dueAt(),
                    interval);
            case KeyRotationSchedule.Due due -> LOG.debug(
                    "signing keys of tenant {} were due at {}; another node rotated them first", outcome.tenant(),
                    due.dueAt());
            case KeyRotationSchedule.Deferred deferred -> LOG.info(
                    "automatic key rotation of tenant {} due at {} deferred until {}: {}", outcome.tenant(),
                    deferred.dueAt(), deferred.retryAt(), deferred.reason());
            case KeyRotationSchedule.NotDue notDue -> LOG.debug("signing keys of tenant {} not due until {}",
                    outcome.tenant(), notDue.dueAt().orElse(null));
        }
    }
}
