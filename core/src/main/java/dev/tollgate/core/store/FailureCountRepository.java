package dev.tollgate.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Failed client authentications per source address, summed over every node that shares the store,
 * so a brute-force limit behind a load balancer counts the cluster's failures, not one node's
 * ({@code dev.tollgate.core.abuse.SharedFailureCounts}). Approximate by design: each node adds its
 * counts in batches.
 */
public interface FailureCountRepository {

    /** What a store without sharing answers: nothing is kept, every node counts alone. */
    FailureCountRepository NONE = new FailureCountRepository() {
        @Override
        public void add(Map<String, Integer> failures, Instant now, Duration window) {
        }

        @Override
        public List<Failures> over(long count, Instant since, int limit) {
            return List.of();
        }

        @Override
        public int deleteBefore(Instant before) {
            return 0;
        }
    };

    /** A source's failures across the cluster, and when the latest was added. */
    record Failures(String source, long count, Instant last) {
    }

    /**
     * Adds each source's new failures, stamped {@code now}. A source whose last failure is older
     * than {@code window} starts again from the new ones, as a node's own count does.
     */
    void add(Map<String, Integer> failures, Instant now, Duration window);

    /** Sources with more than {@code count} failures, the last at or after {@code since}; at most {@code limit}. */
    List<Failures> over(long count, Instant since, int limit);

    /** Forgets sources whose last failure was before {@code before}. @return how many */
    int deleteBefore(Instant before);
}
