package dev.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Ids the store was asked for and does not have, remembered for a while in a bounded cache of
 * their own, so made-up ids neither reach the store on every request nor push known entries out.
 *
 * <p>A lookup that read the store before a create committed must not record the id as absent
 * after that create's {@link #forget}: the client would be refused until the entry expired. So
 * every forget counts, a lookup notes the count before it reads the store, and an absence it
 * records is withdrawn when the count moved meanwhile. Either the lookup sees the move, or the
 * forget comes after the record and removes it.
 */
final class Absences<K> {

    private final Cache<K, Long> absent;
    private final AtomicLong forgets = new AtomicLong();

    Absences(long maximumSize, Duration remembered, Ticker ticker) {
        this.absent = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(remembered)
                .ticker(ticker)
                .recordStats()
                .build();
    }

    /** Empty without calling {@code load} while {@code key} is remembered absent; else what {@code load} finds. */
    <V> Optional<V> lookUp(K key, Function<K, V> load) {
        if (absent.getIfPresent(key) != null) {
            return Optional.empty();
        }
        long before = forgets.get();
        V found = load.apply(key);
        if (found == null) {
            absent.put(key, before);
            if (forgets.get() != before) {
                absent.asMap().remove(key, before);
            }
        }
        return Optional.ofNullable(found);
    }

    /** {@code key} exists now (created in this process): never answered absent from memory again. */
    void forget(K key) {
        forgets.incrementAndGet();
        absent.invalidate(key);
    }

    Cache<K, Long> cache() {
        return absent;
    }
}
