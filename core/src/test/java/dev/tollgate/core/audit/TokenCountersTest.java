package dev.tollgate.core.audit;

import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.store.TokenCountRepository.Count;
import dev.tollgate.core.store.TokenCountRepository.Outcome;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenCountersTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    private final TestClock clock = TestClock.at(START.plusSeconds(5));
    private final TokenCountRepository store = new InMemoryStore().tokenCounts();

    /** The in-memory repository, down while {@link #down} is set. */
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<List<Count>> written = new ArrayList<>();
    private final TokenCountRepository flaky = new TokenCountRepository() {
        @Override
        public void add(List<Count> counts) {
            if (down.get()) {
                throw new StoreException("store down");
            }
            written.add(counts);
            store.add(counts);
        }

        @Override
        public long[] perBucket(TenantId tenant, String clientId, Outcome outcome, Instant from, Instant to,
                                Duration bucket) {
            return store.perBucket(tenant, clientId, outcome, from, to, bucket);
        }

        @Override
        public int deleteBefore(Instant before) {
            return store.deleteBefore(before);
        }
    };

    private long stored(String client, Outcome outcome) {
        long[] hours = store.perBucket(TENANT, client, outcome, START.minus(Duration.ofDays(1)), START.plus(Duration.ofDays(1)),
                Duration.ofHours(1));
        long sum = 0;
        for (long n : hours) {
            sum += n;
        }
        return sum;
    }

    @Test
    void recordWhenManyThreadsCountAtOnceThenOneFlushStoresTheExactSums() throws Exception {
        TokenCounters counters = new TokenCounters(flaky, clock, 1000);
        int threads = 8;
        int each = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        counters.record(TENANT, "svc-" + (i % 3), (i + thread) % 4 == 0 ? Outcome.REFUSED : Outcome.ISSUED);
                        if (i % 1000 == 0) {
                            counters.flush();   // flushes racing the counting lose nothing
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        counters.flush();

        long issued = stored("svc-0", Outcome.ISSUED) + stored("svc-1", Outcome.ISSUED) + stored("svc-2", Outcome.ISSUED);
        long refused = stored("svc-0", Outcome.REFUSED) + stored("svc-1", Outcome.REFUSED) + stored("svc-2", Outcome.REFUSED);
        assertThat(issued + refused).isEqualTo((long) threads * each);
        assertThat(refused).isEqualTo((long) threads * each / 4);
    }

    @Test
    void flushWhenNothingCountedThenNoWrite() {
        TokenCounters counters = new TokenCounters(flaky, clock, 1000);

        counters.flush();

        assertThat(written).isEmpty();
    }

    @Test
    void flushWhenTheStoreIsDownThenTheCountsAreKeptAndTheNextFlushAddsThem() {
        TokenCounters counters = new TokenCounters(flaky, clock, 1000);
        counters.record(TENANT, "svc", Outcome.ISSUED);
        down.set(true);

        assertThatThrownBy(counters::flush).isInstanceOf(StoreException.class);
        counters.record(TENANT, "svc", Outcome.ISSUED);
        assertThatThrownBy(counters::flush).isInstanceOf(StoreException.class);
        down.set(false);
        counters.flush();
        counters.flush();

        assertThat(stored("svc", Outcome.ISSUED)).isEqualTo(2);
        assertThat(written).hasSize(1);
        assertThat(counters.dropped()).isZero();
    }

    @Test
    void flushWhenTheStoreStaysDownPastTheBoundThenTheOldestMinutesAreDroppedAndCounted() {
        TokenCounters counters = new TokenCounters(flaky, clock, 2);
        down.set(true);
        for (int minute = 0; minute < 4; minute++) {
            counters.record(TENANT, "svc", Outcome.ISSUED);
            counters.record(TENANT, "svc", Outcome.ISSUED);
            assertThatThrownBy(counters::flush).isInstanceOf(StoreException.class);
            clock.advance(Duration.ofMinutes(1));
        }
        down.set(false);
        counters.flush();

        assertThat(counters.dropped()).isEqualTo(4);
        long[] minutes = store.perBucket(TENANT, "svc", Outcome.ISSUED, START, START.plus(Duration.ofMinutes(4)),
                Duration.ofMinutes(1));
        assertThat(minutes).containsExactly(0, 0, 2, 2);
    }

    @Test
    void recordWhenMinutesPassThenEachMinuteIsItsOwnRowAndOldIdleCountersAreForgotten() {
        TokenCounters counters = new TokenCounters(flaky, clock, 1000);
        counters.record(TENANT, "svc", Outcome.ISSUED);
        counters.flush();
        clock.advance(Duration.ofMinutes(2));
        counters.record(TENANT, "svc", Outcome.ISSUED);
        counters.record(TENANT, TokenCountRepository.NO_CLIENT, Outcome.REFUSED);
        counters.flush();
        counters.flush();

        long[] minutes = store.perBucket(TENANT, "svc", Outcome.ISSUED, START, START.plus(Duration.ofMinutes(3)),
                Duration.ofMinutes(1));
        assertThat(minutes).containsExactly(1, 0, 1);
        assertThat(store.perBucket(TENANT, TokenCountRepository.NO_CLIENT, Outcome.REFUSED, START,
                START.plus(Duration.ofMinutes(3)), Duration.ofMinutes(1))).containsExactly(0, 0, 1);
        assertThat(written).hasSize(2);
    }
}
