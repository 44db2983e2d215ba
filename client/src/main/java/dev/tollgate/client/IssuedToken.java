package dev.tollgate.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A token as the cache holds it.
 *
 * @param value     the access token
 * @param expiresAt when it expires, counted from when it was asked for; {@code null} when the
 *                  server gave no {@code expires_in}
 * @param renewAt   from when it is renewed instead of reused
 */
record IssuedToken(String value, Instant expiresAt, Instant renewAt) {

    static IssuedToken issued(String value, Instant sentAt, long lifetimeSeconds, Duration renewBefore) {
        if (lifetimeSeconds <= 0) {
            // RFC 6749 §5.1 only recommends expires_in; without it the token is reused until an
            // API rejects it, which send() turns into one renewal.
            return new IssuedToken(value, null, Instant.MAX);
        }
        Duration lifetime = Duration.ofSeconds(lifetimeSeconds);
        // A margin of at least the whole lifetime would make every call a token request; half the
        // lifetime still renews well before expiry.
        Duration margin = renewBefore.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : renewBefore;
        Instant expiresAt = sentAt.plus(lifetime);
        return new IssuedToken(value, expiresAt, expiresAt.minus(margin));
    }

    @Override
    public String toString() {
        return "IssuedToken[value=****, expiresAt=" + expiresAt + ", renewAt=" + renewAt + "]";
    }
}
