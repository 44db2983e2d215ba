package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.revocation.RevokedToken;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.tenant.TenantId;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a string is an active access token of a tenant (RFC 7662 §2.2 "active"): one we minted
 * with a key of that tenant that is still published, unexpired, and not revoked. Everything else,
 * from garbage to another tenant's token, is simply not active; callers learn nothing more.
 *
 * <p>The issuer is not compared: it follows the public URL, which an operator may change, while
 * the tenant's own signing key and the {@code customer_id} claim already bind the token to it.
 * A token of a client that is disabled or no longer exists is not active either.
 * Only the cached key ring, the cached client and the in-memory revocation list are read: no
 * database round trip.
 */
public final class TokenIntrospector {

    /** Far above any token we mint (about 1 KiB); a bigger string is not worth parsing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** An active token's facts, taken from its verified claims. */
    public record ActiveToken(TenantId tenant, ClientId clientId, String jti, Instant issuedAt, Instant expiresAt,
                              JWTClaimsSet claims) {
        public ActiveToken {
            Objects.requireNonNull(claims, "claims");
        }
    }

    private final Directory directory;
    private final Revocations revocations;
    private final Clock clock;

    public TokenIntrospector(Directory directory, Revocations revocations, Clock clock) {
        this.directory = directory;
        this.revocations = revocations;
        this.clock = clock;
    }

    public Optional<ActiveToken> inspect(TenantId tenant, String token) {
        Optional<ActiveToken> verified = verify(tenant, token);
        return verified.filter(t -> clientEnabled(directory, t.tenant(), t.clientId())
                && !revocations.isRevoked(t.tenant(), t.clientId(), t.jti(), t.issuedAt()));
    }

    /**
     * Whether the client a token was issued to exists and is enabled, as the cached directory sees
     * it. Disabling or deleting a client through the administration also revokes its tokens (a
     * cutoff every node reloads within {@code Revocations.REFRESH_EVERY}); this covers a client
     * disabled any other way, and costs a cache lookup. Other nodes see the change within the
     * directory's staleness bound.
     */
    public static boolean clientEnabled(Directory directory, TenantId tenant, ClientId client) {
        return directory.client(tenant, client).map(ClientCredential::enabled).orElse(false);
    }

    /** Signature, type, tenant and time, but not revocation. */
    private Optional<ActiveToken> verify(TenantId tenant, String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Optional<SigningKeyRing> ring = directory.keyRing(tenant);
        if (ring.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!SigningKeyRing.ACCESS_TOKEN_TYPE.equals(jwt.getHeader().getType())) {
                return Optional.empty();
            }
            Optional<SigningKeyRing.KeyVerifier> key = ring.get().verifier(jwt.getHeader().getKeyID(), now);
            // RFC 8725 §3.1: the algorithm is the key's, never the one the token names for itself.
            if (key.isEmpty() || !key.get().algorithm().jwsAlgorithm().equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            return active(tenant, jwt.getJWTClaimsSet(), now);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static Optional<ActiveToken> active(TenantId tenant, JWTClaimsSet claims, Instant now)
            throws ParseException {
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        Date nbf = claims.getNotBeforeTime();
        String jti = claims.getJWTID();
        String clientId = claims.getStringClaim("client_id");
        if (exp == null || iat == null || jti == null || jti.isEmpty() || jti.length() > RevokedToken.MAX_JTI_LENGTH
                || !ClientId.isValid(clientId) || !tenant.value().equals(claims.getStringClaim("customer_id"))) {
            return Optional.empty();
        }
        // Our own clock issued these times, so no skew allowance: expired at exp exactly (RFC 7519 §4.1.4).
        if (!now.isBefore(exp.toInstant()) || (nbf != null && now.isBefore(nbf.toInstant()))) {
            return Optional.empty();
        }
        return Optional.of(new ActiveToken(tenant, new ClientId(clientId), jti, iat.toInstant(), exp.toInstant(),
                claims));
    }
}
