package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token path's store reads: bounded in time and in number, and refused at once while the store is down. */
class StoreReadsTest {

    private final CountDownLatch release = new CountDownLatch(1);

    private String stalled() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "late";
    }

    @Test
    void readWhenTheStoreDoesNotAnswerWithinTheTimeoutThenUnavailableAndDown() {
        StoreReads reads = new StoreReads(2, Duration.ofMillis(50), Executors.newVirtualThreadPerTaskExecutor(),
                Ticker.systemTicker());
        try {
            assertThatThrownBy(() -> reads.read(this::stalled)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not answer");
            assertThat(reads.isDown()).isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void readWhenStoreDownAndAProbeIsInProgressThenRefusedWithoutRunning() {
        StoreReads reads = new StoreReads(4, Duration.ofSeconds(30), Executors.newVirtualThreadPerTaskExecutor(),
                Ticker.systemTicker());
        assertThatThrownBy(() -> reads.read(() -> {
            throw new StoreException("connection refused");
        })).isInstanceOf(StoreException.class);
        CompletableFuture<String> probe = reads.readAsync(this::stalled);
        try {
            boolean[] ran = {false};
            assertThatThrownBy(() -> reads.read(() -> {
                ran[0] = true;
                return "x";
            })).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("unavailable");
            assertThat(ran[0]).isFalse();
        } finally {
            release.countDown();
        }
        assertThat(probe.join()).isEqualTo("late");
        assertThat(reads.isDown()).as("the probe's success ends the outage").isFalse();
        assertThat(reads.read(() -> "now")).isEqualTo("now");
    }

    @Test
    void readWhenStoreDownAndTheProbeOutlivedTheTimeoutThenTheNextReadProbesAgain() {
        StoreReads reads = new StoreReads(4, Duration.ofMillis(50), Executors.newVirtualThreadPerTaskExecutor(),
                Ticker.systemTicker());
        assertThatThrownBy(() -> reads.read(() -> {
            throw new StoreException("connection refused");
        })).isInstanceOf(StoreException.class);
        try {
            assertThatThrownBy(() -> reads.read(this::stalled)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not answer");

            assertThat(reads.read(() -> "answered")).as("probed again although the stalled probe still runs")
                    .isEqualTo("answered");
            assertThat(reads.isDown()).isFalse();
        } finally {
            release.countDown();
        }
    }

    @Test
    void readWhenEveryPermitIsHeldByAStalledReadThenRefused() {
        StoreReads reads = new StoreReads(1, Duration.ofMillis(50), Executors.newVirtualThreadPerTaskExecutor(),
                Ticker.systemTicker());
        CompletableFuture<String> stalled = reads.readAsync(this::stalled);
        try {
            assertThatThrownBy(() -> reads.read(() -> "x")).isInstanceOf(StoreUnavailableException.class);
        } finally {
            release.countDown();
        }
        stalled.exceptionally(e -> null).join();
    }
}
