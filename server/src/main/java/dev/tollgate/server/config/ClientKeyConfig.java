package dev.tollgate.server.config;

import dev.tollgate.core.token.ClientAssertionSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * private_key_jwt (RFC 7523): how client assertions are checked, and how a client's
 * {@code jwks_uri} is fetched.
 *
 * @param assertions            lifetime, clock skew, jwks_uri caching
 * @param fetchTimeout          connect plus read of one jwks_uri fetch
 * @param maxJwksBytes          largest jwks_uri response read; a larger one fails the fetch
 * @param allowPrivateAddresses whether a jwks_uri may resolve to a loopback, private, link-local or
 *                              otherwise non-public address (and use plain http there): off, so a
 *                              client registration can't make the server probe its own network (SSRF)
 */
public record ClientKeyConfig(ClientAssertionSettings assertions, Duration fetchTimeout, int maxJwksBytes,
                              boolean allowPrivateAddresses) {

    public static final ClientKeyConfig DEFAULTS = new ClientKeyConfig(ClientAssertionSettings.DEFAULTS,
            Duration.ofSeconds(2), 65_536, false);

    public ClientKeyConfig {
        Objects.requireNonNull(assertions, "assertions");
        Objects.requireNonNull(fetchTimeout, "fetchTimeout");
        List<String> problems = new ArrayList<>();
        if (fetchTimeout.compareTo(Duration.ofMillis(100)) < 0 || fetchTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            problems.add(ConfigKey.JWKS_URI_TIMEOUT.key() + ": must be from 100ms to 30s");
        }
        if (maxJwksBytes < 1024 || maxJwksBytes > 1024 * 1024) {
            problems.add(ConfigKey.JWKS_URI_MAX_BYTES.key() + ": must be from 1024 to 1048576");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }
}
