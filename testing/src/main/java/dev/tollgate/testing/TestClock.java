package dev.tollgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the test moves by hand, so expiry, renewal, rotation and rate limits are tested without
 * sleeping. It stands still until {@link #set} or {@link #advance}; both are safe from any thread,
 * and two advances from two threads both count.
 *
 * <pre>{@code
 * TestClock clock = TestClock.startingNow();
 * TokenVerifier verifier = TokenVerifier.builder()...clock(clock).build();
 * clock.advance(Duration.ofHours(2));    // the token has expired
 * }</pre>
 *
 * <p>{@link #withZone} gives a view in another zone that shares this clock's time: moving either
 * moves both.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** Standing at {@code start}, in UTC. */
    public TestClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** Standing at {@code start}, in UTC. */
    public static TestClock at(Instant start) {
        return new TestClock(start);
    }

    /** Now, truncated to whole seconds as JWT NumericDates are, so a token's times equal the clock's. */
    public static TestClock startingNow() {
        return new TestClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    /** Moves the clock by {@code by}, which may be negative. */
    public void advance(Duration by) {
        Objects.requireNonNull(by, "by");
        now.updateAndGet(instant -> instant.plus(by));
    }

    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** This clock's time, seen in {@code zone}: the view moves with this clock, and this one with it. */
    @Override
    public TestClock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new TestClock(now, zone);
    }

    @Override
    public String toString() {
        return "TestClock[" + instant() + ", " + zone + "]";
    }
}
