package dev.tollgate.store;

import dev.tollgate.core.admin.AdminSession;
import dev.tollgate.core.store.AdminSessionRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

final class JdbcAdminSessionRepository implements AdminSessionRepository {

    private static final String COLUMNS =
            "id_hash, tenant_id, admin_id, csrf_token, address, created_at_ns, last_seen_at_ns";

    private final Database db;

    JdbcAdminSessionRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(AdminSession session) {
        // The id hash stays out of every message: it finds the session as well as the id does.
        db.write("insert admin session of tenant " + session.tenantId(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO admin_sessions (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, session.idHash());
                s.setString(2, session.tenantId().value());
                s.setString(3, session.adminId());
                s.setString(4, session.csrfToken());
                Database.setNullableString(s, 5, session.address());
                Database.setInstant(s, 6, session.createdAt());
                Database.setInstant(s, 7, session.lastSeenAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<AdminSession> find(String idHash) {
        return db.read("find admin session", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM admin_sessions WHERE id_hash = ?")) {
                s.setString(1, idHash);
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.<AdminSession>empty();
                }
            }
        });
    }

    @Override
    public boolean touch(String idHash, Instant lastSeenAt) {
        return db.write("record admin session activity", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE admin_sessions SET last_seen_at_ns = ? WHERE id_hash = ?")) {
                Database.setInstant(s, 1, lastSeenAt);
                s.setString(2, idHash);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(String idHash) {
        return db.write("delete admin session", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM admin_sessions WHERE id_hash = ?")) {
                s.setString(1, idHash);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int deleteForAdmin(TenantId tenant, String adminId) {
        return db.write("delete sessions of an admin of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM admin_sessions WHERE admin_id = ? AND tenant_id = ?")) {
                s.setString(1, adminId);
                s.setString(2, tenant.value());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public int deleteExpired(Instant idleBefore, Instant createdBefore) {
        return db.write("delete expired admin sessions", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM admin_sessions WHERE last_seen_at_ns < ? OR created_at_ns < ?")) {
                Database.setInstant(s, 1, idleBefore);
                Database.setInstant(s, 2, createdBefore);
                return s.executeUpdate();
            }
        });
    }

    private static AdminSession map(ResultSet rows) throws SQLException {
        try {
            return new AdminSession(rows.getString("id_hash"), TenantId.of(rows.getString("tenant_id")),
                    rows.getString("admin_id"), rows.getString("csrf_token"), rows.getString("address"),
                    Database.getInstant(rows, "created_at_ns"), Database.getInstant(rows, "last_seen_at_ns"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("an admin session is stored in a form this version can't read", e);
        }
    }
}
