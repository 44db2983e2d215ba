package dev.tollgate.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The keys clients publish at their {@code jwks_uri}, fetched on first use and kept for
 * {@link ClientAssertionSettings#jwksCacheTtl()}. An assertion whose {@code kid} the cached set lacks
 * (the client rotated) causes one refetch, at most once per {@link ClientAssertionSettings#jwksRefetchEvery()}
 * per URI; a failed fetch is remembered as long, so an unreachable URI is not asked on every request.
 * A refetch that fails keeps the keys fetched before. The fetch itself (HTTP, address rules, size
 * and time limits) is the {@link Fetcher}'s, which the server supplies.
 */
public final class JwksUriCache {

    /** Fetches a JWK set; the message of its exception says why not, for the log and the audit. */
    @FunctionalInterface
    public interface Fetcher {
        JWKSet fetch(URI uri) throws FetchException;
    }

    /** A fetch that failed: refused address, timeout, too large, not a JWK set, HTTP error. */
    public static final class FetchException extends Exception {
        public FetchException(String message) {
            super(message);
        }

        public FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @param keys null while no fetch succeeded; @param failure the last fetch's error, or null */
    private record Entry(JWKSet keys, String failure, Instant fetchedAt) {
    }

    private final Fetcher fetcher;
    private final Clock clock;
    private final Duration ttl;
    private final Duration refetchEvery;
    private final Cache<URI, Entry> entries;

    public JwksUriCache(Fetcher fetcher, ClientAssertionSettings settings, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.ttl = settings.jwksCacheTtl();
        this.refetchEvery = settings.jwksRefetchEvery();
        // Bounded: one entry per client jwks_uri in use; idle ones leave after a while.
        this.entries = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();
    }

    /**
     * The keys at {@code uri} with {@code kid} (all of them when {@code kid} is null), refetched once
     * when none has it and the last fetch is at least the refetch interval old.
     *
     * @throws FetchException when no keys could be fetched
     */
    public List<JWK> keys(URI uri, String kid) throws FetchException {
        Entry entry = current(uri, false);
        List<JWK> found = select(entry.keys(), kid);
        if (found.isEmpty() && kid != null) {
            entry = current(uri, true);
            found = select(entry.keys(), kid);
        }
        if (entry.keys() == null) {
            throw new FetchException(entry.failure());
        }
        return found;
    }

    /** Forgets what was fetched from {@code uri}: a client's keys changed (new jwks_uri registered). */
    public void invalidate(URI uri) {
        entries.invalidate(uri);
    }

    private Entry current(URI uri, boolean unknownKid) {
        return entries.asMap().compute(uri, (key, entry) -> {
            Instant now = clock.instant();
            if (entry != null) {
                Duration age = Duration.between(entry.fetchedAt(), now);
                boolean fresh = entry.keys() != null && !unknownKid ? age.compareTo(ttl) < 0 : age.compareTo(refetchEvery) < 0;
                if (fresh) {
                    return entry;
                }
            }
            try {
                return new Entry(fetcher.fetch(key), null, now);
            } catch (FetchException e) {
                return new Entry(entry == null ? null : entry.keys(), e.getMessage(), now);
            }
        });
    }

    private static List<JWK> select(JWKSet keys, String kid) {
        if (keys == null) {
            return List.of();
        }
        return keys.getKeys().stream().filter(k -> kid == null || kid.equals(k.getKeyID())).toList();
    }
}
