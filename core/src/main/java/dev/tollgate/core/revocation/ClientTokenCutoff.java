package dev.tollgate.core.revocation;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;

/**
 * Every token of one client issued before {@code notBefore} is revoked. Kept until
 * {@code keepUntil}, by which time each of those tokens has expired anyway.
 */
public record ClientTokenCutoff(TenantId tenant, ClientId client, Instant notBefore, Instant keepUntil) {

    public ClientTokenCutoff {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(keepUntil, "keepUntil");
        if (keepUntil.isBefore(notBefore)) {
            throw new IllegalArgumentException("keepUntil must not be before notBefore");
        }
    }

    /**
     * The cutoff for "revoke everything issued until now". A token's {@code iat} is in whole seconds,
     * so a token minted in the same second as the revocation can't be told apart from one minted just
     * before it: the cutoff is the start of the next second, and the client's next token is good a
     * second later at most. Tokens live at most {@link ClientCredential#MAX_TOKEN_TTL} whatever the
     * client's lifetime was when they were minted, which bounds how long the cutoff matters.
     */
    public static ClientTokenCutoff revokedAt(TenantId tenant, ClientId client, Instant now) {
        Instant notBefore = Instant.ofEpochSecond(now.getEpochSecond() + 1);
        return new ClientTokenCutoff(tenant, client, notBefore, notBefore.plus(ClientCredential.MAX_TOKEN_TTL));
    }

    /** The later of two cutoffs of the same client: revocations are never undone. */
    public ClientTokenCutoff laterOf(ClientTokenCutoff other) {
        return other.notBefore.isAfter(notBefore) ? other : this;
    }
}
