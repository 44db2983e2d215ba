package dev.tollgate.store;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.ReplayRepository;

import java.sql.PreparedStatement;
import java.time.Instant;

/**
 * Single-use identifiers in {@code seen_jtis} (V11). The primary key decides: the INSERT of a pair
 * already there fails on both databases, whichever node inserted it, so no read-then-write race.
 */
final class JdbcReplayRepository implements ReplayRepository {

    /** On the token path: a store that hangs must fail the request (503), not hold it. */
    private static final int TIMEOUT_SECONDS = 5;

    private final Database db;

    JdbcReplayRepository(Database db) {
        this.db = db;
    }

    @Override
    public boolean record(String namespace, String jti, Instant expiresAt, Instant now) {
        check(namespace, jti);
        try {
            db.write("record a used jti", c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO seen_jtis (namespace, jti, expires_at_ns) VALUES (?, ?, ?)")) {
                    s.setQueryTimeout(TIMEOUT_SECONDS);
                    s.setString(1, namespace);
                    s.setString(2, jti);
                    Database.setInstant(s, 3, expiresAt);
                    return s.executeUpdate();
                }
            });
            return true;
        } catch (DuplicateException inUse) {
            return replaceExpired(namespace, jti, expiresAt, now);
        }
    }

    /**
     * The pair is there; it is free again only if its record expired and pruning has not run yet.
     * The row lock makes this single-winner too: a concurrent update re-checks the condition.
     */
    private boolean replaceExpired(String namespace, String jti, Instant expiresAt, Instant now) {
        return db.write("reuse an expired jti", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE seen_jtis SET expires_at_ns = ?"
                    + " WHERE namespace = ? AND jti = ? AND expires_at_ns <= ?")) {
                s.setQueryTimeout(TIMEOUT_SECONDS);
                Database.setInstant(s, 1, expiresAt);
                s.setString(2, namespace);
                s.setString(3, jti);
                Database.setInstant(s, 4, now);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int deleteExpired(Instant now) {
        return db.deleteUpTo("delete expired jtis", "DELETE FROM seen_jtis WHERE expires_at_ns <= ?", now);
    }

    private static void check(String namespace, String jti) {
        if (namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH) {
            throw new IllegalArgumentException("namespace must have 1 to " + MAX_NAMESPACE_LENGTH + " characters");
        }
        if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw new IllegalArgumentException("jti must have 1 to " + MAX_JTI_LENGTH + " characters");
        }
    }
}
