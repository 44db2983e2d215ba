package dev.tollgate.core.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashingPoolTest {

    private final PasswordHashingPool pool = new PasswordHashingPool(1, Duration.ofMillis(100));
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        callers.close();
        pool.close();
    }

    /** A "hash" that holds its permit until the test lets it go. */
    private Future<String> slowWorkInFlight() throws InterruptedException {
        Future<String> slow = callers.submit(() -> pool.run(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slow";
        }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        return slow;
    }

    @Test
    void runWhenEveryPermitIsTakenThenThrottledAfterTheShortWaitWithRetryAfter() throws Exception {
        Future<String> slow = slowWorkInFlight();

        long start = System.nanoTime();
        assertThatThrownBy(() -> pool.run(() -> "second"))
                .isInstanceOfSatisfying(AdminFailure.Throttled.class, t -> assertThat(t.retryAfter()).isPositive());
        // Fails fast: the 100 ms wait, not the length of the hash in flight (which never ends here).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    }

    @Test
    void runWhenTheHashInFlightEndsThenThePermitServesTheNextOne() throws Exception {
        Future<String> slow = slowWorkInFlight();
        release.countDown();
        slow.get(10, TimeUnit.SECONDS);

        assertThat(pool.run(() -> "next")).isEqualTo("next");
    }

    @Test
    void runWhenCalledFromAVirtualThreadThenTheWorkRunsOnAPlatformHashingThread() throws Exception {
        Thread worker = callers.submit(() -> pool.run(Thread::currentThread)).get(10, TimeUnit.SECONDS);

        assertThat(worker.isVirtual()).isFalse();
        assertThat(worker.getName()).startsWith("tollgate-password-hashing-");
    }

    @Test
    void runWhenTheWorkThrowsThenTheSameExceptionAndThePermitIsGivenBack() {
        IllegalStateException failure = new IllegalStateException("boom");

        assertThatThrownBy(() -> pool.run(() -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(pool.run(() -> "after")).isEqualTo("after");
    }

    @Test
    void runPatientlyWhenEveryPermitIsTakenThenWaitsForOneInsteadOfFailing() throws Exception {
        Future<String> slow = slowWorkInFlight();
        Future<String> patient = callers.submit(() -> pool.runPatiently(() -> "patient"));
        Thread.sleep(300); // longer than the short wait: a run() would have failed by now

        release.countDown();
        assertThat(patient.get(10, TimeUnit.SECONDS)).isEqualTo("patient");
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
    }

    @Test
    void constructorWhenNoPermitsThenRefused() {
        assertThatThrownBy(() -> new PasswordHashingPool(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits");
    }
}
