package dev.tollgate.store;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.tenant.TenantId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Token counts in {@code token_counts}. An add is one JDBC batch of upserts that add to the stored
 * count, in one transaction: the rows a node's flush touches, whatever the number of tokens.
 */
final class JdbcTokenCountRepository implements TokenCountRepository {

    /**
     * PostgreSQL: ON CONFLICT, which never fails on a row another node inserts at the same moment
     * (its MERGE can: both see no row, both insert, one violates the key).
     */
    private static final String POSTGRES_ADD = "INSERT INTO token_counts (tenant_id, client_id, minute_ns, outcome, n)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, client_id, outcome, minute_ns)"
            + " DO UPDATE SET n = token_counts.n + EXCLUDED.n";
    /**
     * H2 has no ON CONFLICT. Its MERGE has the race above (two transactions inserting the same new
     * row: one violates the key), so {@link #add} tries again: the second time the row is there.
     */
    private static final String H2_ADD = "MERGE INTO token_counts t USING (VALUES (CAST(? AS VARCHAR(64)),"
            + " CAST(? AS VARCHAR(128)), CAST(? AS BIGINT), CAST(? AS VARCHAR(16)), CAST(? AS BIGINT)))"
            + " s (tenant_id, client_id, minute_ns, outcome, n)"
            + " ON t.tenant_id = s.tenant_id AND t.client_id = s.client_id AND t.outcome = s.outcome"
            + " AND t.minute_ns = s.minute_ns"
            + " WHEN MATCHED THEN UPDATE SET n = t.n + s.n"
            + " WHEN NOT MATCHED THEN INSERT (tenant_id, client_id, minute_ns, outcome, n)"
            + " VALUES (s.tenant_id, s.client_id, s.minute_ns, s.outcome, s.n)";

    /** A flush runs off the token path, but a store that hangs must still fail it rather than hold it. */
    private static final int ADD_TIMEOUT_SECONDS = 30;
    private static final int CLIENT_ID_LENGTH = 128;

    private final Database db;
    private final String addSql;

    JdbcTokenCountRepository(Database db, boolean postgres) {
        this.db = db;
        this.addSql = postgres ? POSTGRES_ADD : H2_ADD;
    }

    /** Attempts of an add that lost a race to insert a new row; each loss means the row now exists. */
    private static final int ADD_ATTEMPTS = 3;

    @Override
    public void add(List<Count> counts) {
        if (counts.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                addOnce(counts);
                return;
            } catch (DuplicateException lostTheRace) {
                // The whole batch rolled back, so adding it again counts each row once.
                if (attempt == ADD_ATTEMPTS) {
                    throw lostTheRace;
                }
            }
        }
    }

    private void addOnce(List<Count> counts) {
        db.atomically("add " + counts.size() + " token counts", c -> {
            try (PreparedStatement s = c.prepareStatement(addSql)) {
                s.setQueryTimeout(ADD_TIMEOUT_SECONDS);
                for (Count count : counts) {
                    s.setString(1, count.tenant().value());
                    s.setString(2, JdbcAuditRepository.cut(count.clientId(), CLIENT_ID_LENGTH));
                    Database.setInstant(s, 3, count.minute());
                    s.setString(4, count.outcome().name());
                    s.setLong(5, count.n());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    @Override
    public long[] perBucket(TenantId tenant, String clientId, Outcome outcome, Instant from, Instant to,
                            Duration bucket) {
        long[] counts = new long[TokenCountRepository.bucketCount(from, to, bucket)];
        if (counts.length == 0) {
            return counts;
        }
        long fromNs = Database.nanos(from);
        long toNs = Database.nanos(to);
        long bucketNs = bucket.toNanos();
        return db.read("count tokens of client " + clientId, c -> {
            // Bucketed in the database: a month is 44,640 minutes per client and outcome, its chart 744 hours.
            // minute_ns >= from, so the integer division is a floor on both databases.
            try (PreparedStatement s = c.prepareStatement("SELECT slot, SUM(n) AS n FROM ("
                    + "SELECT (minute_ns - CAST(? AS BIGINT)) / CAST(? AS BIGINT) AS slot, n FROM token_counts"
                    + " WHERE tenant_id = ? AND client_id = ? AND outcome = ? AND minute_ns >= ? AND minute_ns < ?"
                    + ") counted GROUP BY slot")) {
                s.setLong(1, fromNs);
                s.setLong(2, bucketNs);
                s.setString(3, tenant.value());
                s.setString(4, clientId);
                s.setString(5, outcome.name());
                s.setLong(6, fromNs);
                s.setLong(7, toNs);
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        counts[(int) rows.getLong("slot")] = rows.getLong("n");
                    }
                }
            }
            return counts;
        });
    }

    @Override
    public int deleteBefore(Instant before) {
        return db.deleteUpTo("delete token counts before " + before, "DELETE FROM token_counts WHERE minute_ns < ?", before);
    }
}
