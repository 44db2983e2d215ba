package dev.tollgate.core.audit;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class AuditWriterTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final Actor CLIENT = new Actor(TENANT, Actor.Kind.CLIENT, "billing", "Billing", null, "10.0.0.1");

    /** Records every batch; can hold the writer inside a write, and fail batches on demand. */
    private static final class CountingRepository implements AuditRepository {
        final List<List<AuditEvent>> batches = new CopyOnWriteArrayList<>();
        final Set<String> written = ConcurrentHashMap.newKeySet();
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch hold = new CountDownLatch(0);
        final CountDownLatch firstCallStarted = new CountDownLatch(1);
        volatile Predicate<List<AuditEvent>> failWhen = batch -> false;
        volatile Duration writeTime = Duration.ZERO;

        @Override
        public void append(List<AuditEvent> events) {
            calls.incrementAndGet();
            firstCallStarted.countDown();
            try {
                hold.await();
                Thread.sleep(writeTime);
            } catch (InterruptedException e) {
                throw new StoreException("interrupted", e);
            }
            if (failWhen.test(events)) {
                throw new StoreException("database went away");
            }
            batches.add(List.copyOf(events));
            events.forEach(e -> written.add(e.detail()));
        }

        @Override
        public List<AuditEvent> query(TenantId tenant, Filter filter, int offset, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count(TenantId tenant, Filter filter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int deleteBefore(Instant before) {
            throw new UnsupportedOperationException();
        }
    }

    private final CountingRepository repository = new CountingRepository();
    private final List<AuditWriter> writers = new ArrayList<>();

    private AuditWriter writer(int maxBatch) {
        AuditWriter writer = new AuditWriter(repository, maxBatch);
        writers.add(writer);
        return writer;
    }

    @AfterEach
    void closeWriters() {
        repository.hold.countDown();
        writers.forEach(AuditWriter::close);
    }

    /** The detail names the event, so the fake can tell callers apart. */
    private static AuditEvent event(String name) {
        return AuditEvent.of(CLIENT, Instant.parse("2026-03-01T10:00:00Z"), "token.issued", "billing", "billing",
                null, null, name);
    }

    private static void awaitQueued(AuditWriter writer, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.queued() < count) {
            if (System.nanoTime() > deadline) {
                fail("only " + writer.queued() + " of " + count + " callers queued");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void appendWhenTheWriterAheadHangsThenGivesUpWithStoreExceptionAndTheEventIsStillWrittenLater() throws Exception {
        AuditWriter writer = new AuditWriter(repository, 100, Duration.ofMillis(200));
        writers.add(writer);
        repository.hold = new CountDownLatch(1);
        Thread first = Thread.ofVirtual().start(() -> writer.append(event("first")));
        repository.firstCallStarted.await();

        long started = System.nanoTime();
        assertThatThrownBy(() -> writer.append(event("second")))
                .isInstanceOf(StoreException.class).hasMessageContaining("not answering");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        repository.hold.countDown();
        first.join();
        // Still queued when its caller gave up: the next writer takes it; nothing is dropped.
        writer.append(event("third"));
        assertThat(repository.written).containsExactlyInAnyOrder("first", "second", "third");
    }

    @Test
    void appendWhenFromAnInterruptedThreadThenWrittenPromptlyAndTheInterruptIsKept() throws Exception {
        AuditWriter writer = writer(100);
        AtomicInteger stillInterrupted = new AtomicInteger(-1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long[] took = new long[1];

        Thread caller = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            long started = System.nanoTime();
            try {
                writer.append(event("interrupted"));
            } catch (Throwable t) {
                failures.add(t);
            }
            took[0] = System.nanoTime() - started;
            stillInterrupted.set(Thread.currentThread().isInterrupted() ? 1 : 0);
        });
        caller.join();

        // The store is healthy: an interrupt is the caller's business, not a reason to report the store down.
        assertThat(failures).isEmpty();
        assertThat(Duration.ofNanos(took[0])).isLessThan(Duration.ofSeconds(1));
        assertThat(repository.written).containsExactly("interrupted");
        assertThat(stillInterrupted.get()).isEqualTo(1);
    }

    @Test
    void appendWhenCalledThenReturnsOnceTheEventIsWritten() {
        AuditWriter writer = writer(100);

        writer.append(event("a"));

        assertThat(repository.written).containsExactly("a");
        assertThat(repository.batches).hasSize(1);
    }

    @Test
    void appendWhenFromManyVirtualThreadsThenEveryEventWrittenInFewerBatchesThanEvents() throws Exception {
        int threads = 200;
        int eventsPerThread = 20;
        int maxBatch = 64;
        AuditWriter writer = writer(maxBatch);
        repository.writeTime = Duration.ofMillis(1);
        AtomicInteger returnedEarly = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                callers.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < eventsPerThread; i++) {
                        String name = thread + "/" + i;
                        writer.append(event(name));
                        if (!repository.written.contains(name)) {
                            returnedEarly.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> caller : callers) {
                caller.get(60, TimeUnit.SECONDS);
            }
        }

        assertThat(repository.written).hasSize(threads * eventsPerThread);
        assertThat(repository.batches.stream().mapToInt(List::size).sum()).isEqualTo(threads * eventsPerThread);
        assertThat(repository.batches.size()).isLessThan(threads * eventsPerThread);
        assertThat(repository.batches).allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(maxBatch));
        assertThat(returnedEarly).hasValue(0);
    }

    @Test
    void appendWhenTheBatchFailsThenEveryCallerOfThatBatchAndNoOtherGetsTheException() throws Exception {
        AuditWriter writer = writer(100);
        repository.hold = new CountDownLatch(1);
        repository.failWhen = batch -> batch.stream().anyMatch(e -> "poison".equals(e.detail()));

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // The writer takes "first" alone and is held inside the write while the next batch gathers.
            Future<?> first = executor.submit(() -> writer.append(event("first")));
            assertThat(repository.firstCallStarted.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> poison = executor.submit(() -> writer.append(event("poison")));
            Future<?> bystander = executor.submit(() -> writer.append(event("bystander")));
            awaitQueued(writer, 2);

            repository.hold.countDown();

            first.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> poison.get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StoreException.class).hasMessageContaining("database went away");
            assertThatThrownBy(() -> bystander.get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StoreException.class).hasMessageContaining("database went away");
        }
        writer.append(event("later"));

        assertThat(repository.written).containsExactlyInAnyOrder("first", "later");
    }

    @Test
    void appendAllWhenSeveralEventsThenWrittenInOneBatch() {
        AuditWriter writer = writer(100);

        writer.appendAll(List.of(event("a"), event("b"), event("c")));

        assertThat(repository.batches).singleElement().satisfies(batch ->
                assertThat(batch).extracting(AuditEvent::detail).containsExactly("a", "b", "c"));
    }

    @Test
    void appendAllWhenNothingThenNoWrite() {
        AuditWriter writer = writer(100);

        writer.appendAll(List.of());

        assertThat(repository.calls).hasValue(0);
    }

    @Test
    void appendAllWhenLargerThanMaxBatchThenWrittenAloneAndWhole() {
        AuditWriter writer = writer(2);

        writer.appendAll(List.of(event("a"), event("b"), event("c")));

        assertThat(repository.batches).singleElement().satisfies(batch -> assertThat(batch).hasSize(3));
    }

    @Test
    void appendWhenABatchIsBeingWrittenThenQueuedCallersGoTogetherUpToMaxBatch() throws Exception {
        AuditWriter writer = writer(3);
        repository.hold = new CountDownLatch(1);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> callers = new ArrayList<>();
            callers.add(executor.submit(() -> writer.append(event("first"))));
            assertThat(repository.firstCallStarted.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) {
                String name = "queued-" + i;
                callers.add(executor.submit(() -> writer.append(event(name))));
            }
            awaitQueued(writer, 5);

            repository.hold.countDown();
            for (Future<?> caller : callers) {
                caller.get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(repository.batches).extracting(List::size).containsExactly(1, 3, 2);
    }

    @Test
    void closeWhenEventsQueuedThenWritesThemThenReturns() throws Exception {
        AuditWriter writer = writer(100);
        repository.hold = new CountDownLatch(1);

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = executor.submit(() -> writer.append(event("first")));
            assertThat(repository.firstCallStarted.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> queued = executor.submit(() -> writer.append(event("queued")));
            awaitQueued(writer, 1);
            Future<?> closing = executor.submit(writer::close);
            Thread.sleep(20);
            assertThat(closing).isNotDone();

            repository.hold.countDown();

            closing.get(10, TimeUnit.SECONDS);
            assertThat(first).isDone();
            assertThat(queued).isDone();
            queued.get();
        }
        assertThat(repository.written).containsExactlyInAnyOrder("first", "queued");
    }

    @Test
    void appendWhenAfterCloseThenIllegalState() {
        AuditWriter writer = writer(100);
        writer.close();

        assertThatThrownBy(() -> writer.append(event("late"))).isInstanceOf(IllegalStateException.class);
        assertThat(repository.calls).hasValue(0);
    }

    @Test
    void closeWhenTwiceThenNothingMore() {
        AuditWriter writer = writer(100);

        writer.close();
        writer.close();

        assertThat(repository.calls).hasValue(0);
    }

    @Test
    void appendWhenClosingFromManyThreadsThenEveryCallerEitherWrittenOrRefused() throws Exception {
        AuditWriter writer = writer(16);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> refused = Collections.synchronizedSet(new java.util.HashSet<>());

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> callers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String name = "e" + i;
                callers.add(executor.submit(() -> {
                    try {
                        writer.append(event(name));
                        acknowledged.add(name);
                    } catch (IllegalStateException e) {
                        refused.add(name);
                    }
                }));
                if (i == 250) {
                    executor.submit(writer::close);
                }
            }
            for (Future<?> caller : callers) {
                caller.get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(acknowledged.size() + refused.size()).isEqualTo(500);
        assertThat(repository.written).containsExactlyInAnyOrderElementsOf(acknowledged);
    }

    @Test
    void constructorWhenMaxBatchBelowOneThenRefused() {
        assertThatThrownBy(() -> new AuditWriter(repository, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
