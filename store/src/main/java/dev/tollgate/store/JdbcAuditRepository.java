package dev.tollgate.store;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log in {@code audit_events}. Appends are one JDBC batch, so a group of token events
 * costs one round trip and one commit.
 */
final class JdbcAuditRepository implements AuditRepository {

    private static final String COLUMNS = "tenant_id, at_ns, actor_kind, actor_id, actor_name, action, client_id,"
            + " target, address, before_json, after_json, detail";

    // The lengths of V4's bounded columns.
    private static final int ID_LENGTH = 128;
    private static final int NAME_LENGTH = 200;
    private static final int ACTION_LENGTH = 64;
    private static final int ADDRESS_LENGTH = 64;
    private static final int DETAIL_LENGTH = 500;

    private final Database db;

    JdbcAuditRepository(Database db) {
        this.db = db;
    }

    @Override
    public void append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        db.atomically("append " + events.size() + " audit events", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_events (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                // Token requests wait on this write: a store that hangs must fail it, not hold them all.
                s.setQueryTimeout(APPEND_TIMEOUT_SECONDS);
                for (AuditEvent e : events) {
                    // Over-long values are cut, not refused: one event too long for its column
                    // (an unknown client id someone sent, say) would otherwise fail the whole
                    // batch, and with it the events of every other caller grouped into it.
                    s.setString(1, e.tenantId().value());
                    Database.setInstant(s, 2, e.at());
                    s.setString(3, e.actorKind().name());
                    s.setString(4, cut(e.actorId(), ID_LENGTH));
                    Database.setNullableString(s, 5, cut(e.actorName(), NAME_LENGTH));
                    s.setString(6, cut(e.action(), ACTION_LENGTH));
                    Database.setNullableString(s, 7, cut(e.clientId(), ID_LENGTH));
                    Database.setNullableString(s, 8, cut(e.target(), NAME_LENGTH));
                    Database.setNullableString(s, 9, cut(e.address(), ADDRESS_LENGTH));
                    Database.setNullableString(s, 10, e.before());
                    Database.setNullableString(s, 11, e.after());
                    Database.setNullableString(s, 12, cut(e.detail(), DETAIL_LENGTH));
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    private static final int APPEND_TIMEOUT_SECONDS = 5;

    @Override
    public List<AuditEvent> query(TenantId tenant, Filter filter, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        return db.read("query audit log of tenant " + tenant, c -> {
            try (PreparedStatement s = filtered(c, tenant, filter, limit, offset);
                 ResultSet rows = s.executeQuery()) {
                List<AuditEvent> events = new ArrayList<>();
                while (rows.next()) {
                    events.add(map(rows));
                }
                return List.copyOf(events);
            }
        });
    }

    @Override
    public long count(TenantId tenant, Filter filter) {
        return db.read("count audit log of tenant " + tenant, c -> {
            List<Object> values = new ArrayList<>();
            String sql = "SELECT COUNT(*) FROM audit_events" + where(tenant, filter, values);
            try (PreparedStatement s = prepare(c, sql, values); ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private static PreparedStatement filtered(Connection c, TenantId tenant, Filter filter, int limit, int offset)
            throws SQLException {
        List<Object> values = new ArrayList<>();
        // LIMIT/OFFSET: both H2 and PostgreSQL take this form.
        String sql = "SELECT id, " + COLUMNS + " FROM audit_events" + where(tenant, filter, values)
                + " ORDER BY at_ns DESC, id DESC LIMIT ? OFFSET ?";
        values.add(limit);
        values.add(offset);
        return prepare(c, sql, values);
    }

    /** The one WHERE clause of {@link #query} and {@link #count}, so a page and its total always agree. */
    private static String where(TenantId tenant, Filter filter, List<Object> values) {
        StringBuilder sql = new StringBuilder(" WHERE tenant_id = ?");
        values.add(tenant.value());
        if (filter.actor() != null) {
            sql.append(" AND (actor_id = ? OR actor_name = ?)");
            values.add(filter.actor());
            values.add(filter.actor());
        }
        if (filter.clientId() != null) {
            sql.append(" AND client_id = ?");
            values.add(filter.clientId());
        }
        if (filter.action() != null) {
            if (filter.action().endsWith(".")) {
                // '!' rather than backslash as the escape: one character both databases read the same.
                sql.append(" AND action LIKE ? ESCAPE '!'");
                values.add(filter.action().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
            } else {
                sql.append(" AND action = ?");
                values.add(filter.action());
            }
        }
        if (filter.from() != null) {
            sql.append(" AND at_ns >= ?");
            values.add(Database.nanos(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND at_ns < ?");
            values.add(Database.nanos(filter.to()));
        }
        return sql.toString();
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> values) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < values.size(); i++) {
                switch (values.get(i)) {
                    case String v -> s.setString(i + 1, v);
                    case Long v -> s.setLong(i + 1, v);
                    case Integer v -> s.setInt(i + 1, v);
                    default -> throw new IllegalStateException("unexpected parameter " + values.get(i));
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public int deleteBefore(Instant before) {
        return db.deleteUpTo("delete audit events before " + before, "DELETE FROM audit_events WHERE at_ns < ?", before);
    }

    /**
     * At most {@code max} UTF-16 units, never half a surrogate pair: within the column on H2, which
     * counts units, and on PostgreSQL, which counts code points (never more than units).
     */
    static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    private static AuditEvent map(ResultSet rows) throws SQLException {
        long id = rows.getLong("id");
        try {
            return new AuditEvent(id, TenantId.of(rows.getString("tenant_id")), Database.getInstant(rows, "at_ns"),
                    Actor.Kind.valueOf(rows.getString("actor_kind")), rows.getString("actor_id"),
                    rows.getString("actor_name"), rows.getString("action"), rows.getString("client_id"),
                    rows.getString("target"), rows.getString("address"), rows.getString("before_json"),
                    rows.getString("after_json"), rows.getString("detail"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("audit event " + id + " is stored in a form this version can't read", e);
        }
    }
}
