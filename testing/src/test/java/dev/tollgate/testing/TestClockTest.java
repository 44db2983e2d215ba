package dev.tollgate.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TestClockTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void instantWhenNotMovedThenStandsStill() {
        TestClock clock = TestClock.at(START);

        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void instantWhenAdvancedOrSetThenMoves() {
        TestClock clock = TestClock.at(START);

        clock.advance(Duration.ofMinutes(5));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(300));
        clock.advance(Duration.ofMinutes(-10));
        assertThat(clock.instant()).isEqualTo(START.minusSeconds(300));
        clock.set(START);
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void startingNowWhenCreatedThenWholeSeconds() {
        assertThat(TestClock.startingNow().instant().getNano()).isZero();
    }

    @Test
    void withZoneWhenEitherMovesThenBothMove() {
        TestClock utc = TestClock.at(START);
        ZoneId paris = ZoneId.of("Europe/Paris");

        TestClock inParis = utc.withZone(paris);
        utc.advance(Duration.ofHours(1));
        inParis.advance(Duration.ofHours(1));

        assertThat(inParis.getZone()).isEqualTo(paris);
        assertThat(utc.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(utc.instant()).isEqualTo(inParis.instant()).isEqualTo(START.plusSeconds(7200));
        assertThat(utc.withZone(ZoneOffset.UTC)).isSameAs(utc);
    }

    @Test
    void advanceWhenFromManyThreadsThenEveryStepCounts() {
        TestClock clock = TestClock.at(START);

        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            IntStream.range(0, 10_000).forEach(i -> threads.execute(() -> clock.advance(Duration.ofSeconds(1))));
        }

        assertThat(clock.instant()).isEqualTo(START.plusSeconds(10_000));
    }
}
