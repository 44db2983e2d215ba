package dev.tollgate.core.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How strictly client assertions (RFC 7523 private_key_jwt) are checked, server-wide.
 *
 * @param maxLifetime       how far ahead of now an assertion's {@code exp} may be: a leaked assertion is
 *                          good for at most this long, and the replay cache keeps its jti as long
 * @param clockSkew         tolerance for the client's clock on {@code exp}, {@code nbf} and {@code iat}
 * @param jwksCacheTtl      how long a fetched {@code jwks_uri} is used before it is fetched again
 * @param jwksRefetchEvery  the least time between two fetches of one {@code jwks_uri}, also on an unknown
 *                          {@code kid} (a client's rotation) and after a failed fetch: a flood of made-up
 *                          kids costs one fetch per interval, not one per request
 */
public record ClientAssertionSettings(Duration maxLifetime, Duration clockSkew, Duration jwksCacheTtl,
                                      Duration jwksRefetchEvery) {

    public static final ClientAssertionSettings DEFAULTS = new ClientAssertionSettings(Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30));

    /** @throws IllegalArgumentException one line per bad field, each starting with its name */
    public ClientAssertionSettings {
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
        Objects.requireNonNull(jwksRefetchEvery, "jwksRefetchEvery");
        List<String> problems = new ArrayList<>();
        if (maxLifetime.compareTo(Duration.ofSeconds(10)) < 0 || maxLifetime.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("maxLifetime: must be between 10s and 1h");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add("clockSkew: must be between 0 and 5m");
        }
        if (jwksCacheTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("jwksCacheTtl: must be at least 1s");
        }
        if (jwksRefetchEvery.isNegative() || jwksRefetchEvery.compareTo(jwksCacheTtl) > 0) {
            problems.add("jwksRefetchEvery: must be between 0 and jwksCacheTtl");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }
}
