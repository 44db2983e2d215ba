package dev.tollgate.verifier;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records DPoP proof identifiers so each proof is used once (RFC 9449 §11.1). Tollgate's server
 * backs it with a store shared by every node; an API running one instance can use {@link #inMemory}.
 *
 * <pre>{@code
 * DPoPReplayCheck shared = (jkt, jti, until) -> redis.set("dpop:" + jkt + ":" + jti, "1", nx().exat(until));
 * }</pre>
 */
@FunctionalInterface
public interface DPoPReplayCheck {

    /**
     * @param jkt       the proof key's thumbprint: identifiers are single-use per key
     * @param jti       the proof's identifier
     * @param expiresAt until when the identifier must be remembered
     * @return true the first time, false for a replay
     */
    boolean firstUse(String jkt, String jti, Instant expiresAt);

    /**
     * A check in this process's memory, bounded by {@code maxEntries} (default 100,000) live
     * identifiers: past that, proofs are refused rather than replays risked. Expired entries are
     * dropped as new ones come.
     */
    static DPoPReplayCheck inMemory(Clock clock) {
        return inMemory(clock, 100_000);
    }

    static DPoPReplayCheck inMemory(Clock clock, int maxEntries) {
        Map<String, Instant> seen = new ConcurrentHashMap<>();
        return (jkt, jti, expiresAt) -> {
            Instant now = clock.instant();
            if (seen.size() >= maxEntries) {
                for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
                    if (!it.next().isAfter(now)) {
                        it.remove();
                    }
                }
                if (seen.size() >= maxEntries) {
                    return false;
                }
            }
            return seen.putIfAbsent(jkt + '\n' + jti, expiresAt) == null;
        };
    }
}
