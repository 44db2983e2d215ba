package dev.tollgate.core.store;

import dev.tollgate.core.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Tokens issued and refused, counted per tenant, client, minute and outcome. Counts are only ever
 * added to, never set, so every node of a cluster adds its own and the stored sum is the cluster's.
 */
public interface TokenCountRepository {

    /** What a token request came to. */
    enum Outcome { ISSUED, REFUSED }

    /** The client of a refusal whose presented id named no client of the tenant. */
    String NO_CLIENT = "";

    /** The issuance chart allocates its buckets before counting; this bounds that array. */
    int MAX_BUCKETS = 100_000;

    /**
     * Tokens of one outcome in the minute starting at {@code minute}.
     *
     * @param clientId a client id of the tenant, or {@link #NO_CLIENT}
     */
    record Count(TenantId tenant, String clientId, Instant minute, Outcome outcome, long n) {
        public Count {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(minute, "minute");
            Objects.requireNonNull(outcome, "outcome");
            if (minute.getEpochSecond() % 60 != 0 || minute.getNano() != 0) {
                throw new IllegalArgumentException("minute must start a minute: " + minute);
            }
            if (n < 1) {
                throw new IllegalArgumentException("n must be positive");
            }
        }
    }

    /** Adds each count to its stored row (creating the row), all or none. */
    void add(List<Count> counts);

    /**
     * Tokens of {@code outcome} for one client from {@code from} (inclusive) to {@code to}
     * (exclusive), per bucket: element i counts the minutes starting in [from + i*bucket, from + (i+1)*bucket).
     * A minute is counted where it starts.
     */
    long[] perBucket(TenantId tenant, String clientId, Outcome outcome, Instant from, Instant to, Duration bucket);

    /** Deletes the minutes that start before {@code before}. @return how many rows */
    int deleteBefore(Instant before);

    /**
     * How many buckets {@link #perBucket} answers with; the same checks for every store.
     *
     * @throws IllegalArgumentException for a bucket that is not positive, a backward range, or too many buckets
     */
    static int bucketCount(Instant from, Instant to, Duration bucket) {
        if (bucket.isNegative() || bucket.isZero()) {
            throw new IllegalArgumentException("bucket must be positive");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        long count;
        try {
            count = Math.ceilDiv(Duration.between(from, to).toNanos(), bucket.toNanos());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("range or bucket too long to count in nanoseconds", e);
        }
        if (count > MAX_BUCKETS) {
            throw new IllegalArgumentException("at most " + MAX_BUCKETS + " buckets, asked for " + count);
        }
        return (int) count;
    }
}
