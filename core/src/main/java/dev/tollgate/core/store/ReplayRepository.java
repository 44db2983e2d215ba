package dev.tollgate.core.store;

import java.time.Instant;

/**
 * Single-use identifiers (a client assertion's or a DPoP proof's {@code jti}) seen by any node, each
 * kept until the token that carried it expires. The pair (namespace, jti) is the identity: a second
 * record of it while the first is unexpired is a replay.
 */
public interface ReplayRepository {

    /** Longest namespace and jti the store keeps; callers refuse longer ones before asking. */
    int MAX_NAMESPACE_LENGTH = 255;
    int MAX_JTI_LENGTH = 255;

    /**
     * Records {@code (namespace, jti)} until {@code expiresAt}, unless it is recorded already and
     * unexpired at {@code now}. Atomic across every process sharing the store: of two concurrent
     * calls for the same pair, exactly one answers true. An expired record not yet deleted counts
     * as absent (it is replaced).
     *
     * @return true when this call recorded it (first use), false when it was in use (replay)
     */
    boolean record(String namespace, String jti, Instant expiresAt, Instant now);

    /** Deletes the records that expired at or before {@code now}. @return how many */
    int deleteExpired(Instant now);
}
