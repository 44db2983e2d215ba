package dev.tollgate.verifier;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The caller a valid access token stands for.
 *
 * <pre>{@code
 * if (verifier.verify(token, Set.of("users:read")) instanceof Verification.Valid(Principal who)) {
 *     log.info("{} of tenant {} with {}", who.clientId(), who.tenant(), who.scopes());
 * }
 * }</pre>
 *
 * @param clientId    {@code client_id} (RFC 9068 §2.2)
 * @param tenant      Tollgate's {@code customer_id}: the tenant that issued the token
 * @param scopes      the granted scopes, from {@code scope} (space-delimited, or a JSON array in the legacy profile)
 * @param authorities the client's {@code authorities}; empty when the token has none
 * @param audiences   {@code aud}
 * @param jti         {@code jti}
 * @param expiresAt   {@code exp}
 * @param claims      every claim, as JSON values (NumericDates as seconds since the epoch)
 */
public record Principal(
        String clientId,
        String tenant,
        Set<String> scopes,
        List<String> authorities,
        List<String> audiences,
        String jti,
        Instant expiresAt,
        Map<String, Object> claims) {

    public Principal {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Set.copyOf(scopes);
        authorities = List.copyOf(authorities);
        audiences = List.copyOf(audiences);
        claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
