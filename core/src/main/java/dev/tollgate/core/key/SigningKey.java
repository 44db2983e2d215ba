package dev.tollgate.core.key;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;

/**
 * One of a tenant's signing keys, private part included.
 *
 * @param activatedAt  when it became {@code CURRENT}; null while {@code NEXT}
 * @param retiredAt    when it stopped signing; null unless {@code RETIRED}
 * @param publishUntil for a retired key, when the last token it signed expires (plus clock skew);
 *                     after that it leaves the JWKS
 */
public record SigningKey(
        TenantId tenantId,
        String kid,
        SigningAlgorithm algorithm,
        KeyState state,
        JWK privateJwk,
        Instant createdAt,
        Instant activatedAt,
        Instant retiredAt,
        Instant publishUntil) {

    public SigningKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(privateJwk, "privateJwk");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!privateJwk.isPrivate()) {
            throw new IllegalArgumentException("signing key " + kid + " has no private part");
        }
        if (!kid.equals(privateJwk.getKeyID())) {
            throw new IllegalArgumentException("kid " + kid + " differs from the JWK's " + privateJwk.getKeyID());
        }
        if (state == KeyState.RETIRED && (retiredAt == null || publishUntil == null)) {
            throw new IllegalArgumentException("a retired key needs retiredAt and publishUntil");
        }
    }

    /** Whether the public half belongs in the JWKS at {@code now}. */
    public boolean isPublishedAt(Instant now) {
        return state != KeyState.RETIRED || now.isBefore(publishUntil);
    }

    public SigningKey activated(Instant now) {
        return new SigningKey(tenantId, kid, algorithm, KeyState.CURRENT, privateJwk, createdAt, now, null, null);
    }

    public SigningKey retired(Instant now, Instant until) {
        return new SigningKey(tenantId, kid, algorithm, KeyState.RETIRED, privateJwk, createdAt, activatedAt, now, until);
    }

    @Override
    public String toString() {
        return "SigningKey[" + tenantId + "/" + kid + " " + algorithm + " " + state + "]";
    }
}
