package dev.tollgate.core.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failures per key (an account, a client id, an address) in a sliding window and answers
 * how long the key must wait before its next attempt: nothing for the first {@code freeFailures},
 * then a delay that doubles up to {@code maxDelay}, then refusal until the window has passed once
 * {@code refuseAfter} failures are reached. A success clears the key. Memory is bounded
 * (Caffeine, {@code maxKeys}), so an attacker cycling keys cannot exhaust the heap.
 *
 * <p>The window slides with the last failure: a key's count is forgotten once {@code window} has
 * passed without a new failure. Delays run from the last failure. {@link #check} is one cache read
 * and no allocation for a key that never failed, so it can sit on the token path.
 *
 * <pre>{@code
 * FailureLimiter limiter = new FailureLimiter(FailureLimiter.Settings.loginDefaults(), clock);
 * FailureLimiter.Decision decision = limiter.check(key);
 * if (!decision.allowed()) {
 *     return tooManyRequests(decision.retryAfter());
 * }
 * if (passwordRight) limiter.recordSuccess(key); else limiter.recordFailure(key);
 * }</pre>
 */
public final class FailureLimiter {

    /**
     * @param freeFailures failures allowed without any delay
     * @param baseDelay    the delay after the first failure beyond the free ones; doubles with each further failure
     * @param refuseAfter  from this many failures on, every attempt is refused until {@code window} has passed
     * @param window       how long a failure is remembered after the last one
     * @param maxKeys      keys remembered at most; beyond, Caffeine evicts the least useful
     */
    public record Settings(int freeFailures, Duration baseDelay, Duration maxDelay, int refuseAfter,
                           Duration window, long maxKeys) {

        /** @throws IllegalArgumentException one line per bad field, each starting with its name */
        public Settings {
            Objects.requireNonNull(baseDelay, "baseDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(window, "window");
            List<String> problems = new ArrayList<>();
            if (freeFailures < 0) {
                problems.add("freeFailures: must not be negative");
            }
            if (baseDelay.isNegative()) {
                problems.add("baseDelay: must not be negative");
            } else if (maxDelay.compareTo(baseDelay) < 0) {
                problems.add("maxDelay: must be at least baseDelay");
            }
            if (refuseAfter < 1) {
                problems.add("refuseAfter: must be at least 1");
            } else if (refuseAfter <= freeFailures) {
                // Refusing within the free failures would make them not free.
                problems.add("refuseAfter: must be greater than freeFailures");
            }
            if (window.isNegative() || window.isZero()) {
                problems.add("window: must be positive");
            }
            if (maxKeys < 1) {
                problems.add("maxKeys: must be at least 1");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
        }

        /**
         * Console logins: three free tries (typos), then 1 s doubling to 30 s, and after ten failures
         * nothing for 15 minutes. Online guessing gets a few hundred tries a day at most.
         */
        public static Settings loginDefaults() {
            return new Settings(3, Duration.ofSeconds(1), Duration.ofSeconds(30), 10, Duration.ofMinutes(15),
                    100_000);
        }
    }

    /** How a key stands now: zero {@code retryAfter} means go ahead. */
    public record Decision(boolean allowed, Duration retryAfter) {

        static final Decision ALLOWED = new Decision(true, Duration.ZERO);
    }

    /** Failures so far and when the last one happened, in the clock's epoch nanoseconds. */
    private record Failures(int count, long lastNanos) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Cache<String, Failures> failures;
    private final long baseDelayNanos;
    private final long maxDelayNanos;
    private final long windowNanos;
    /**
     * Failures recorded here and not yet handed to the store, per key; null when this limiter counts
     * alone. Bounded like the counts: past {@code maxKeys} keys a new key's failures stay local.
     */
    private final Map<String, Integer> unshared;

    /** Convenience for {@link Settings#loginDefaults()}. */
    public static Settings loginDefaults() {
        return Settings.loginDefaults();
    }

    public FailureLimiter(Settings settings, Clock clock) {
        this(settings, clock, false);
    }

    /**
     * @param shared keep the failures recorded here for {@link #takeUnshared}, so that a
     *               {@link SharedFailureCounts} adds them to the cluster's count and
     *               {@link #mergeShared} brings the cluster's count back
     */
    public FailureLimiter(Settings settings, Clock clock, boolean shared) {
        this.unshared = shared ? new ConcurrentHashMap<>() : null;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.baseDelayNanos = saturatedNanos(settings.baseDelay());
        this.maxDelayNanos = saturatedNanos(settings.maxDelay());
        this.windowNanos = saturatedNanos(settings.window());
        // The cache's own expiry follows the injected clock too, so tests move time by hand.
        this.failures = Caffeine.newBuilder()
                .maximumSize(settings.maxKeys())
                .expireAfterWrite(settings.window())
                .ticker(this::nowNanos)
                .build();
    }

    public Decision check(String key) {
        Failures f = failures.getIfPresent(key);
        if (f == null || f.count() <= settings.freeFailures()) {
            return Decision.ALLOWED;
        }
        long now = nowNanos();
        long since = now - f.lastNanos();
        if (since >= windowNanos) {
            return Decision.ALLOWED;
        }
        long wait = f.count() >= settings.refuseAfter() ? windowNanos - since : delayNanos(f.count()) - since;
        return wait <= 0 ? Decision.ALLOWED : new Decision(false, Duration.ofNanos(wait));
    }

    public void recordFailure(String key) {
        long now = nowNanos();
        failures.asMap().compute(key, (k, f) -> f == null || now - f.lastNanos() >= windowNanos
                ? new Failures(1, now)
                : new Failures(f.count() == Integer.MAX_VALUE ? f.count() : f.count() + 1, now));
        if (unshared != null && (unshared.size() < settings.maxKeys() || unshared.containsKey(key))) {
            unshared.merge(key, 1, Integer::sum);
        }
    }

    /** The failures recorded since the last call, per key, now the caller's to add to the store. */
    public Map<String, Integer> takeUnshared() {
        if (unshared == null) {
            return Map.of();
        }
        Map<String, Integer> taken = new HashMap<>();
        for (String key : unshared.keySet()) {
            Integer n = unshared.remove(key);
            if (n != null) {
                taken.put(key, n);
            }
        }
        return taken;
    }

    /** Failures {@link #takeUnshared} handed out that could not be added (the store was away): kept for the next try. */
    public void returnUnshared(Map<String, Integer> failures) {
        if (unshared != null) {
            failures.forEach((key, n) -> unshared.merge(key, n, (a, b) -> (int) Math.min(Integer.MAX_VALUE, (long) a + b)));
        }
    }

    /**
     * The cluster's count of a key's failures, this node's already added among them: the local count
     * rises to it (never falls: failures made here since the last add are not in it yet), and delays
     * run from the latest failure anywhere.
     */
    public void mergeShared(String key, long count, Instant last) {
        long now = nowNanos();
        long lastNanos = last.getEpochSecond() * 1_000_000_000L + last.getNano();
        if (count <= 0 || now - lastNanos >= windowNanos) {
            return;
        }
        int shared = (int) Math.min(count, Integer.MAX_VALUE);
        failures.asMap().compute(key, (k, f) -> f == null || now - f.lastNanos() >= windowNanos
                ? new Failures(shared, lastNanos)
                : new Failures(Math.max(f.count(), shared), Math.max(f.lastNanos(), lastNanos)));
    }

    public Settings settings() {
        return settings;
    }

    public void recordSuccess(String key) {
        failures.invalidate(key);
    }

    /** Keys remembered now, after pending evictions, counted exactly (see ClientAuthenticationGuard#knownPairs). */
    long size() {
        failures.cleanUp();
        return failures.asMap().keySet().stream().count();
    }

    /** The delay after {@code count} failures, count > freeFailures: base, 2 base, 4 base, ... up to max. */
    private long delayNanos(int count) {
        int doublings = count - settings.freeFailures() - 1;
        if (baseDelayNanos == 0) {
            return 0;
        }
        if (doublings >= Long.numberOfLeadingZeros(baseDelayNanos) - 1) {
            return maxDelayNanos;
        }
        return Math.min(baseDelayNanos << doublings, maxDelayNanos);
    }

    private long nowNanos() {
        Instant now = clock.instant();
        // Epoch nanoseconds fit a long until 2262.
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
