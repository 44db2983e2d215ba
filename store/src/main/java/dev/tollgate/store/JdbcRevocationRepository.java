package dev.tollgate.store;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.RevokedToken;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.RevocationRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class JdbcRevocationRepository implements RevocationRepository {

    private final Database db;

    JdbcRevocationRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(RevokedToken token) {
        try {
            db.write("revoke token " + token.jti() + " of tenant " + token.tenant(), c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO revoked_tokens (tenant_id, jti, client_id, expires_at_ns) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, token.tenant().value());
                    s.setString(2, token.jti());
                    s.setString(3, token.client().value());
                    Database.setInstant(s, 4, token.expiresAt());
                    return s.executeUpdate();
                }
            });
        } catch (DuplicateException alreadyRevoked) {
            // Revoking twice is revoking once (RFC 7009 §2.2 answers 200 either way).
        }
    }

    /**
     * Update first, insert when there was nothing to update, and update again when a concurrent
     * insert won: the two databases share no upsert statement (PostgreSQL's MERGE is 15+ only).
     */
    @Override
    public void upsert(ClientTokenCutoff cutoff) {
        if (raise(cutoff)) {
            return;
        }
        try {
            db.write("record token cutoff of client " + cutoff.client(), c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO client_token_cutoffs"
                        + " (tenant_id, client_id, not_before_ns, keep_until_ns) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, cutoff.tenant().value());
                    s.setString(2, cutoff.client().value());
                    Database.setInstant(s, 3, cutoff.notBefore());
                    Database.setInstant(s, 4, cutoff.keepUntil());
                    return s.executeUpdate();
                }
            });
        } catch (DuplicateException lostTheRace) {
            if (!raise(cutoff)) {
                throw new StoreException("token cutoff of client " + cutoff.client() + " collided but can't be updated",
                        lostTheRace);
            }
        }
    }

    /** Moves an existing cutoff forward, never back. @return false when the client has none */
    private boolean raise(ClientTokenCutoff cutoff) {
        return db.write("update token cutoff of client " + cutoff.client(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE client_token_cutoffs"
                    + " SET not_before_ns = GREATEST(not_before_ns, ?), keep_until_ns = GREATEST(keep_until_ns, ?)"
                    + " WHERE tenant_id = ? AND client_id = ?")) {
                Database.setInstant(s, 1, cutoff.notBefore());
                Database.setInstant(s, 2, cutoff.keepUntil());
                s.setString(3, cutoff.tenant().value());
                s.setString(4, cutoff.client().value());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<RevokedToken> listTokens(Instant now) {
        return db.read("list revoked tokens", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, jti, client_id, expires_at_ns"
                    + " FROM revoked_tokens WHERE expires_at_ns > ? ORDER BY expires_at_ns, tenant_id, jti")) {
                Database.setInstant(s, 1, now);
                try (ResultSet rows = s.executeQuery()) {
                    List<RevokedToken> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapToken(rows));
                    }
                    return List.copyOf(result);
                }
            }
        });
    }

    @Override
    public List<ClientTokenCutoff> listCutoffs(Instant now) {
        return db.read("list client token cutoffs", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, client_id, not_before_ns, keep_until_ns"
                    + " FROM client_token_cutoffs WHERE keep_until_ns > ? ORDER BY tenant_id, client_id")) {
                Database.setInstant(s, 1, now);
                try (ResultSet rows = s.executeQuery()) {
                    List<ClientTokenCutoff> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapCutoff(rows));
                    }
                    return List.copyOf(result);
                }
            }
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        return db.atomically("delete expired revocations", c -> {
            int deleted = 0;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM revoked_tokens WHERE expires_at_ns <= ?")) {
                Database.setInstant(s, 1, now);
                deleted += s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM client_token_cutoffs WHERE keep_until_ns <= ?")) {
                Database.setInstant(s, 1, now);
                deleted += s.executeUpdate();
            }
            return deleted;
        });
    }

    private static RevokedToken mapToken(ResultSet rows) throws SQLException {
        String jti = rows.getString("jti");
        try {
            return new RevokedToken(TenantId.of(rows.getString("tenant_id")), new ClientId(rows.getString("client_id")),
                    jti, Database.getInstant(rows, "expires_at_ns"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("revoked token " + jti + " is stored in a form this version can't read", e);
        }
    }

    private static ClientTokenCutoff mapCutoff(ResultSet rows) throws SQLException {
        String client = rows.getString("client_id");
        try {
            return new ClientTokenCutoff(TenantId.of(rows.getString("tenant_id")), new ClientId(client),
                    Database.getInstant(rows, "not_before_ns"), Database.getInstant(rows, "keep_until_ns"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("token cutoff of client " + client + " is stored in a form this version can't read", e);
        }
    }
}
