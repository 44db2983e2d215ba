package dev.tollgate.verifier;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The tenant's published keys: fetched, cached, and refetched once when a token names a key the
 * cache lacks.
 *
 * <p>This is the chain {@link JWKSourceBuilder} builds (fetch → rate limiter → cache), assembled
 * here so that the cache and the rate limiter read time from the verifier's {@link Clock}: Nimbus's
 * {@code JWKSetBasedJWKSource} reads {@code System.currentTimeMillis()}, which a test cannot move.
 * The rate limiter sits under the cache, so only real fetches count against it: it lets two
 * fetches through per interval, and a flood of tokens with made-up {@code kid}s costs the issuer
 * at most that.
 */
final class JwksKeys {

    private final JWKSetSource<SecurityContext> source;
    private final Clock clock;

    private JwksKeys(JWKSetSource<SecurityContext> source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    static JwksKeys fetched(URI jwksUri, Duration cacheTtl, Duration refreshRateLimit, Duration fetchTimeout,
                            Clock clock) {
        int timeout = (int) fetchTimeout.toMillis();
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(timeout, timeout,
                JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT);
        try {
            return cached(new URLBasedJWKSetSource<>(jwksUri.toURL(), retriever), cacheTtl, refreshRateLimit, clock);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUri: not a URL: " + jwksUri, e);
        }
    }

    static JwksKeys cached(JWKSetSource<SecurityContext> origin, Duration cacheTtl, Duration refreshRateLimit,
                           Clock clock) {
        JWKSetSource<SecurityContext> limited = new RateLimitedJWKSetSource<>(origin, refreshRateLimit.toMillis(), null);
        JWKSetSource<SecurityContext> cached = new CachingJWKSetSource<>(limited, cacheTtl.toMillis(),
                JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT, null);
        return new JwksKeys(cached, clock);
    }

    static JwksKeys fixed(JWKSet keys, Clock clock) {
        return new JwksKeys(new FixedJWKSetSource(keys), clock);
    }

    /**
     * The keys {@code selector} matches; when none does, one refresh (rate-limited) and a second look.
     *
     * @throws com.nimbusds.jose.jwk.source.RateLimitReachedException when the refresh was refused
     * @throws KeySourceException when the JWKS cannot be fetched
     */
    List<JWK> select(JWKSelector selector) throws KeySourceException {
        long now = clock.millis();
        JWKSet known = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        List<JWK> matching = selector.select(known);
        if (!matching.isEmpty()) {
            return matching;
        }
        // Unknown kid: the issuer may have rotated since we cached. referenceComparison refreshes
        // only if no other thread has replaced the set we looked at already.
        JWKSet refreshed = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(known), now, null);
        return selector.select(refreshed);
    }

    private record FixedJWKSetSource(JWKSet keys) implements JWKSetSource<SecurityContext> {
        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                                SecurityContext context) {
            return keys;
        }

        @Override
        public void close() {
        }
    }
}
