package dev.tollgate.store;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.FailureCountRepository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-address failure counts in {@code client_auth_failures}, one row per source for the whole
 * cluster. An add is one JDBC batch of upserts in one transaction, as for the token counts.
 */
final class JdbcFailureCountRepository implements FailureCountRepository {

    /** A row whose last failure is older than the window (parameter 4) starts again from the new failures. */
    private static final String POSTGRES_ADD = "INSERT INTO client_auth_failures (source, n, last_ns) VALUES (?, ?, ?)"
            + " ON CONFLICT (source) DO UPDATE SET n = CASE WHEN client_auth_failures.last_ns < ? THEN EXCLUDED.n"
            + " ELSE client_auth_failures.n + EXCLUDED.n END,"
            + " last_ns = GREATEST(client_auth_failures.last_ns, EXCLUDED.last_ns)";
    /** H2's MERGE may lose a race to insert the same new row; {@link #add} tries again. */
    private static final String H2_ADD = "MERGE INTO client_auth_failures t USING (VALUES (CAST(? AS VARCHAR(128)),"
            + " CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))) s (source, n, last_ns, stale_ns)"
            + " ON t.source = s.source"
            + " WHEN MATCHED THEN UPDATE SET n = CASE WHEN t.last_ns < s.stale_ns THEN s.n ELSE t.n + s.n END,"
            + " last_ns = GREATEST(t.last_ns, s.last_ns)"
            + " WHEN NOT MATCHED THEN INSERT (source, n, last_ns) VALUES (s.source, s.n, s.last_ns)";

    /** Runs on a timer, off every request; a store that hangs must still fail it rather than hold it. */
    private static final int TIMEOUT_SECONDS = 5;
    private static final int SOURCE_LENGTH = 128;
    private static final int ADD_ATTEMPTS = 3;

    private final Database db;
    private final String addSql;

    JdbcFailureCountRepository(Database db, boolean postgres) {
        this.db = db;
        this.addSql = postgres ? POSTGRES_ADD : H2_ADD;
    }

    @Override
    public void add(Map<String, Integer> failures, Instant now, Duration window) {
        if (failures.isEmpty()) {
            return;
        }
        // Sorted: two nodes adding to the same rows lock them in the same order, so neither deadlocks.
        Map<String, Integer> sorted = new TreeMap<>();
        failures.forEach((source, n) -> sorted.merge(JdbcAuditRepository.cut(source, SOURCE_LENGTH), n, Integer::sum));
        for (int attempt = 1; ; attempt++) {
            try {
                addOnce(sorted, now, window);
                return;
            } catch (DuplicateException lostTheRace) {
                if (attempt == ADD_ATTEMPTS) {
                    throw lostTheRace;
                }
            }
        }
    }

    private void addOnce(Map<String, Integer> failures, Instant now, Duration window) {
        long nowNs = Database.nanos(now);
        long staleNs = Database.nanos(now.minus(window));
        db.atomically("add failed authentications of " + failures.size() + " addresses", c -> {
            try (PreparedStatement s = c.prepareStatement(addSql)) {
                s.setQueryTimeout(TIMEOUT_SECONDS);
                for (Map.Entry<String, Integer> failure : failures.entrySet()) {
                    s.setString(1, failure.getKey());
                    s.setLong(2, failure.getValue());
                    s.setLong(3, nowNs);
                    s.setLong(4, staleNs);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<Failures> over(long count, Instant since, int limit) {
        return db.read("read addresses over their free failures", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT source, n, last_ns FROM client_auth_failures"
                    + " WHERE n > ? AND last_ns >= ? ORDER BY n DESC, source LIMIT ?")) {
                s.setQueryTimeout(TIMEOUT_SECONDS);
                s.setLong(1, count);
                Database.setInstant(s, 2, since);
                s.setInt(3, Math.max(0, limit));
                try (ResultSet rows = s.executeQuery()) {
                    List<Failures> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(new Failures(rows.getString("source"), rows.getLong("n"),
                                Database.getInstant(rows, "last_ns")));
                    }
                    return result;
                }
            }
        });
    }

    @Override
    public int deleteBefore(Instant before) {
        return db.deleteUpTo("forget failed authentications before " + before, "DELETE FROM client_auth_failures WHERE last_ns < ?", before);
    }
}
