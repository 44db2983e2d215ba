package dev.tollgate.server.config;

import dev.tollgate.core.cache.Directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What each kind of work may take of the store and the server at once, so one kind cannot starve
 * another (issue 13: 50 concurrent admin list requests took tokens from 1,021/s to 9/s). Work past
 * its permits is refused at once with 503 and Retry-After instead of queuing for the pool.
 *
 * @param outageGrace  how long a loaded tenant, client and key ring are served while the store cannot be read
 * @param readTimeout  longest a token request waits on a store read (an entry not in memory, or one past its staleness)
 * @param readPermits  store reads of the token path in progress at once
 * @param adminPermits admin API and console requests in progress at once
 * @param oauthPermits introspection and revocation requests in progress at once
 */
public record Bulkheads(Duration outageGrace, Duration readTimeout, int readPermits, int adminPermits,
                        int oauthPermits) {

    public static final Bulkheads DEFAULTS = new Bulkheads(Directory.DEFAULT_OUTAGE_GRACE,
            Directory.DEFAULT_READ_TIMEOUT, Directory.DEFAULT_READ_PERMITS, 4, 32);

    /**
     * @throws IllegalArgumentException one line per setting out of range, each starting with its key
     */
    public Bulkheads {
        Objects.requireNonNull(outageGrace, "outageGrace");
        Objects.requireNonNull(readTimeout, "readTimeout");
        List<String> problems = new ArrayList<>();
        if (outageGrace.compareTo(Duration.ofSeconds(10)) < 0) {
            problems.add("store.outage-grace: must be at least 10s (the caches' staleness bound)");
        }
        if (readTimeout.compareTo(Duration.ofMillis(10)) < 0 || readTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            problems.add("store.read-timeout: must be from 10ms to 30s");
        }
        if (readPermits < 1 || readPermits > 1000) {
            problems.add("store.read-permits: must be from 1 to 1000");
        }
        if (adminPermits < 1 || adminPermits > 1000) {
            problems.add("bulkhead.admin-permits: must be from 1 to 1000");
        }
        if (oauthPermits < 1 || oauthPermits > 10_000) {
            problems.add("bulkhead.oauth-permits: must be from 1 to 10000");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }
}
