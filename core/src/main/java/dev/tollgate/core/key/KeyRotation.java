package dev.tollgate.core.key;

import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rotation rule, as a pure function from a tenant's keys to the changes a store applies:
 * NEXT becomes CURRENT, CURRENT becomes RETIRED (published until its last token has expired),
 * a fresh NEXT is generated and published before it ever signs, and retired keys whose tokens
 * have all expired are dropped.
 *
 * <p>Because the next key is in the JWKS from the previous rotation on, a verifier that cached
 * the JWKS already knows the key that starts signing, and no token is rejected early.
 */
public final class KeyRotation {

    /** Margin for verifiers whose clocks run behind ours (RFC 9068 verifiers commonly allow 60 s). */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** How long a verifier may cache the JWKS (its {@code Cache-Control: max-age}). */
    public static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);

    /** How stale a node's cached key ring may be: the token path's cache bound. */
    public static final Duration NODE_CACHE_STALENESS = Directory.DEFAULT_MAX_STALENESS;

    /**
     * How long a NEXT key must have been published before it may sign. Issue 13: two rotations in a
     * row made a key current that an idle node had not published yet, and a verifier that had just
     * cached that node's JWKS refused its tokens. After this long every node's JWKS has carried the
     * key, and every verifier's cached copy came from such a JWKS.
     */
    public static final Duration PUBLISHED_BEFORE_SIGNING = JWKS_MAX_AGE.plus(NODE_CACHE_STALENESS);

    private KeyRotation() {
    }

    /** What a store must do: update these keys (matched by kid and previous state), insert these, delete these. */
    public record Plan(List<Change> updates, List<SigningKey> inserts, List<SigningKey> deletes) {
        public Plan {
            updates = List.copyOf(updates);
            inserts = List.copyOf(inserts);
            deletes = List.copyOf(deletes);
        }
    }

    /** A state change guarded by the state the key had when the plan was made, so two nodes can't both rotate. */
    public record Change(KeyState expectedState, SigningKey key) {
    }

    /** A new tenant's keys: one CURRENT and one NEXT, both published from the start. */
    public static List<SigningKey> initialKeys(TenantId tenant, SigningAlgorithm algorithm, Instant now) {
        SigningKey current = newKey(tenant, algorithm, now).activated(now);
        return List.of(current, newKey(tenant, algorithm, now));
    }

    /**
     * When the tenant's NEXT key may start signing: {@link #PUBLISHED_BEFORE_SIGNING} after it was
     * published. Empty when there is no NEXT key (a rotation then only publishes one).
     */
    public static java.util.Optional<Instant> nextMaySignAt(List<SigningKey> keys) {
        return keys.stream().filter(k -> k.state() == KeyState.NEXT).findFirst()
                .map(next -> next.createdAt().plus(PUBLISHED_BEFORE_SIGNING));
    }

    /**
     * Plans one rotation. The caller first checks {@link #nextMaySignAt}: this plan promotes NEXT
     * whenever it is asked to, which an emergency may need.
     *
     * @param keys           the tenant's keys now
     * @param algorithm      algorithm of the new NEXT key (the tenant's setting, so a change of algorithm
     *                       rolls in over two rotations without breaking anyone)
     * @param longestTokenTtl the longest lifetime any token of this tenant can have had
     */
    public static Plan rotate(List<SigningKey> keys, SigningAlgorithm algorithm, Duration longestTokenTtl, Instant now) {
        SigningKey current = null;
        SigningKey next = null;
        List<SigningKey> deletes = new ArrayList<>();
        for (SigningKey key : keys) {
            switch (key.state()) {
                case CURRENT -> current = key;
                case NEXT -> next = key;
                case RETIRED -> {
                    if (!key.isPublishedAt(now)) {
                        deletes.add(key);
                    }
                }
            }
        }
        List<Change> updates = new ArrayList<>();
        List<SigningKey> inserts = new ArrayList<>();
        if (next == null) {
            // A ring without a NEXT (only possible after manual edits): publish one now, sign with it next time.
            // The unchanged CURRENT is still guarded, so two nodes repairing at once can't both insert.
            if (current != null) {
                updates.add(new Change(KeyState.CURRENT, current));
            }
            next = newKey(tenantOf(keys), algorithm, now);
            inserts.add(next);
            return new Plan(updates, inserts, deletes);
        }
        if (current != null) {
            Instant until = now.plus(longestTokenTtl).plus(CLOCK_SKEW);
            updates.add(new Change(KeyState.CURRENT, current.retired(now, until)));
        }
        updates.add(new Change(KeyState.NEXT, next.activated(now)));
        inserts.add(newKey(next.tenantId(), algorithm, now));
        return new Plan(updates, inserts, deletes);
    }

    /**
     * Plans the emergency removal of one key, for a key that may be in someone else's hands: it is
     * deleted, so it leaves the JWKS at once and every token it signed stops verifying. A CURRENT key's
     * place is taken by NEXT (a new NEXT is published); a NEXT key's by a new NEXT. Tokens signed by the
     * removed key must be fetched again; that is the price of removing it.
     *
     * @return the plan, or empty when the tenant has no key {@code kid}
     */
    public static java.util.Optional<Plan> revoke(List<SigningKey> keys, String kid, SigningAlgorithm algorithm,
                                                  Instant now) {
        SigningKey revoked = keys.stream().filter(k -> k.kid().equals(kid)).findFirst().orElse(null);
        if (revoked == null) {
            return java.util.Optional.empty();
        }
        List<Change> updates = new ArrayList<>();
        List<SigningKey> inserts = new ArrayList<>();
        SigningKey next = keys.stream().filter(k -> k.state() == KeyState.NEXT).findFirst().orElse(null);
        switch (revoked.state()) {
            case CURRENT -> {
                if (next != null) {
                    updates.add(new Change(KeyState.NEXT, next.activated(now)));
                } else {
                    inserts.add(newKey(revoked.tenantId(), algorithm, now).activated(now));
                }
                inserts.add(newKey(revoked.tenantId(), algorithm, now));
            }
            case NEXT -> inserts.add(newKey(revoked.tenantId(), algorithm, now));
            case RETIRED -> {
                // Only its own removal: nothing signs with a retired key.
            }
        }
        return java.util.Optional.of(new Plan(updates, inserts, List.of(revoked)));
    }

    private static TenantId tenantOf(List<SigningKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no keys to rotate");
        }
        return keys.get(0).tenantId();
    }

    private static SigningKey newKey(TenantId tenant, SigningAlgorithm algorithm, Instant now) {
        String kid = UUID.randomUUID().toString();
        return new SigningKey(tenant, kid, algorithm, KeyState.NEXT, algorithm.generate(kid), now, null, null, null);
    }
}
