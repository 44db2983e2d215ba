package dev.tollgate.core.store;

import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.RevokedToken;

import java.time.Instant;
import java.util.List;

/** Revoked tokens and per-client cutoffs; only entries whose tokens may still be unexpired matter. */
public interface RevocationRepository {

    /** Records a revoked token; revoking the same {@code jti} of a tenant again changes nothing. */
    void insert(RevokedToken token);

    /** Records a client's cutoff; when the client has one already, the later {@code notBefore} wins. */
    void upsert(ClientTokenCutoff cutoff);

    /** Revoked tokens that expire after {@code now}. */
    List<RevokedToken> listTokens(Instant now);

    /** Cutoffs kept beyond {@code now}. */
    List<ClientTokenCutoff> listCutoffs(Instant now);

    /** Deletes entries that no longer matter at {@code now}. @return how many */
    int deleteExpired(Instant now);
}
