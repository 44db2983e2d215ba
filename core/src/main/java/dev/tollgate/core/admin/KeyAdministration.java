package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyRotationSchedule;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Lists and rotates a tenant's signing keys. */
final class KeyAdministration {

    private final Store store;
    private final ChangeListener changes;
    private final Clock clock;

    KeyAdministration(Store store, ChangeListener changes, Clock clock) {
        this.store = store;
        this.changes = changes;
        this.clock = clock;
    }

    List<SigningKey> list(TenantId tenant) {
        requireTenant(tenant);
        return store.keys().list(tenant);
    }

    /**
     * Rotates once. The retired key stays published for the longest lifetime a token can have
     * ({@link ClientCredential#MAX_TOKEN_TTL}), not the longest of today's clients: a client deleted
     * or shortened since may still have tokens out there that this key signed.
     *
     * The caller {@link #announce}s it after its transaction commits.
     *
     * <p>NEXT starts signing only once it has been published for {@link KeyRotation#PUBLISHED_BEFORE_SIGNING},
     * so no node signs with a key another node's JWKS (or a verifier's cached copy of it) lacks.
     *
     * @return the keys after rotation
     * @throws AdminFailure.Conflict when NEXT was published too recently, or another node rotated at the
     *                               same moment (nothing changed either way)
     */
    List<SigningKey> rotate(TenantId tenant) {
        Tenant t = requireTenant(tenant);
        Duration longest = ClientCredential.MAX_TOKEN_TTL;
        List<SigningKey> keys = store.keys().list(tenant);
        Instant now = clock.instant();
        KeyRotation.nextMaySignAt(keys).filter(now::isBefore).ifPresent(at -> {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "the next key of tenant " + tenant
                    + " has been published for less than " + KeyRotation.PUBLISHED_BEFORE_SIGNING.toSeconds()
                    + " s (JWKS max-age plus cache staleness), so a node or verifier may not know it yet;"
                    + " rotate again at or after " + at + "; nothing was changed");
        });
        KeyRotation.Plan plan = KeyRotation.rotate(keys, t.settings().signingAlgorithm(), longest, now);
        if (!store.keys().apply(plan)) {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.CONCURRENT_CHANGE,
                    "keys of tenant " + tenant + " changed during rotation; nothing was changed");
        }
        return store.keys().list(tenant);
    }

    /**
     * The automatic rotation: rotates once if the tenant's schedule says it is due
     * ({@link KeyRotationSchedule#decide}), with the same plan and guards as {@link #rotate}. Two
     * nodes deciding at the same moment both plan it; the store applies the first plan and finds the
     * second's guards stale, so exactly one rotates and the other learns it lost. The caller
     * {@link #announce}s a rotation after its transaction commits.
     */
    ScheduledRotation rotateIfDue(TenantId tenant) {
        Tenant t = requireTenant(tenant);
        List<SigningKey> keys = store.keys().list(tenant);
        Instant now = clock.instant();
        KeyRotationSchedule.Decision decision = KeyRotationSchedule.decide(t.settings().keyRotationInterval(), keys, now);
        if (!(decision instanceof KeyRotationSchedule.Due)) {
            return new ScheduledRotation(tenant, decision, false, currentSince(keys));
        }
        KeyRotation.Plan plan = KeyRotation.rotate(keys, t.settings().signingAlgorithm(), ClientCredential.MAX_TOKEN_TTL,
                now);
        if (!store.keys().apply(plan)) {
            return new ScheduledRotation(tenant, decision, false, null);
        }
        return new ScheduledRotation(tenant, decision, true, currentSince(store.keys().list(tenant)));
    }

    private static Instant currentSince(List<SigningKey> keys) {
        return keys.stream().filter(k -> k.state() == KeyState.CURRENT).findFirst()
                .map(k -> k.activatedAt() == null ? k.createdAt() : k.activatedAt()).orElse(null);
    }

    /**
     * Removes the key {@code kid} at once (see {@link KeyRotation#revoke}). The caller
     * {@link #announce}s it after its transaction commits.
     *
     * @return the keys after the removal
     * @throws AdminFailure.NotFound when the tenant has no such key
     * @throws AdminFailure.Conflict when the keys changed meanwhile (nothing was changed)
     */
    List<SigningKey> revoke(TenantId tenant, String kid) {
        Tenant t = requireTenant(tenant);
        KeyRotation.Plan plan = KeyRotation.revoke(store.keys().list(tenant), kid, t.settings().signingAlgorithm(),
                        clock.instant())
                .orElseThrow(() -> new AdminFailure.NotFound("no key " + kid + " in tenant " + tenant));
        if (!store.keys().apply(plan)) {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.CONCURRENT_CHANGE,
                    "keys of tenant " + tenant + " changed during the revocation; nothing was changed");
        }
        return store.keys().list(tenant);
    }

    /** Tells this node's caches (and through the store, the others) that the tenant's keys changed. */
    void announce(TenantId tenant) {
        changes.keysChanged(tenant);
    }

    private Tenant requireTenant(TenantId tenant) {
        return store.tenants().find(tenant).orElseThrow(() -> new AdminFailure.NotFound("no tenant " + tenant));
    }
}
