package dev.tollgate.core.revocation;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which access tokens are revoked: single tokens by {@code jti}, and everything a client was issued
 * before a cutoff. Pure policy over two concurrent maps: no I/O, safe to share between threads, and
 * a check is two hash lookups.
 *
 * <p>Entries are only ever added (a revocation can't be undone) or pruned once the tokens they
 * cover have expired, so merging a reload from the store into this list is always correct, even
 * when it races with a revocation made in this process.
 */
public final class RevocationList {

    private record TokenKey(TenantId tenant, String jti) {
    }

    private record ClientKey(TenantId tenant, ClientId client) {
    }

    private final ConcurrentHashMap<TokenKey, RevokedToken> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClientKey, ClientTokenCutoff> cutoffs = new ConcurrentHashMap<>();

    public void add(RevokedToken token) {
        tokens.putIfAbsent(new TokenKey(token.tenant(), token.jti()), token);
    }

    /** Keeps the later cutoff when the client already has one. */
    public void add(ClientTokenCutoff cutoff) {
        cutoffs.merge(new ClientKey(cutoff.tenant(), cutoff.client()), cutoff, ClientTokenCutoff::laterOf);
    }

    /**
     * Whether a token is revoked. Expiry is not judged here: an expired token is refused for that
     * reason by whoever checks it, whether or not its entry was pruned yet.
     *
     * @param issuedAt the token's {@code iat}
     */
    public boolean isRevoked(TenantId tenant, ClientId client, String jti, Instant issuedAt) {
        if (tokens.containsKey(new TokenKey(tenant, jti))) {
            return true;
        }
        ClientTokenCutoff cutoff = cutoffs.get(new ClientKey(tenant, client));
        return cutoff != null && issuedAt.isBefore(cutoff.notBefore());
    }

    /** Drops entries whose tokens have all expired at {@code now}. */
    public void prune(Instant now) {
        tokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
        cutoffs.values().removeIf(c -> !c.keepUntil().isAfter(now));
    }

    public int revokedTokens() {
        return tokens.size();
    }

    public int clientCutoffs() {
        return cutoffs.size();
    }
}
