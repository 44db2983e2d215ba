package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AbsencesTest {

    private final Absences<String> absences = new Absences<>(100, Duration.ofMinutes(1), Ticker.systemTicker());
    private final AtomicInteger loads = new AtomicInteger();

    @Test
    void lookUpWhenAbsentThenRememberedAndNotLoadedAgain() {
        assertThat(absences.lookUp("x", this::nothing)).isEmpty();
        assertThat(absences.lookUp("x", this::nothing)).isEmpty();

        assertThat(loads).hasValue(1);
    }

    @Test
    void lookUpWhenTheIdIsCreatedWhileItIsReadThenItsAbsenceIsNotRemembered() {
        // The store was read before the create committed; the create's forget came before the absence was recorded.
        assertThat(absences.lookUp("x", key -> {
            loads.incrementAndGet();
            absences.forget(key);
            return null;
        })).isEmpty();

        assertThat(absences.lookUp("x", key -> "found")).contains("found");
    }

    @Test
    void forgetWhenAbsenceRememberedThenTheNextLookUpLoads() {
        absences.lookUp("x", this::nothing);

        absences.forget("x");

        assertThat(absences.lookUp("x", key -> "found")).contains("found");
    }

    @Test
    void lookUpWhenFoundThenNothingRemembered() {
        assertThat(absences.lookUp("x", key -> "found")).contains("found");

        assertThat(absences.lookUp("x", this::nothing)).isEmpty();
        assertThat(loads).hasValue(1);
    }

    private String nothing(String key) {
        loads.incrementAndGet();
        return null;
    }
}
