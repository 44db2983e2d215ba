package dev.tollgate.store;

import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcUserRepository implements UserRepository {

    private static final String COLUMNS =
            "id, tenant_id, username, email, first_name, last_name, created_at_ns, updated_at_ns";

    private final Database db;

    JdbcUserRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(User user) {
        db.write("insert user of tenant " + user.tenantId(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO users (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, user.id());
                s.setString(2, user.tenantId().value());
                s.setString(3, user.username());
                s.setString(4, user.email());
                Database.setNullableString(s, 5, user.firstName());
                Database.setNullableString(s, 6, user.lastName());
                Database.setInstant(s, 7, user.createdAt());
                Database.setInstant(s, 8, user.updatedAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<User> find(TenantId tenant, String id) {
        return db.read("find user of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM users WHERE tenant_id = ? AND id = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, id);
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.<User>empty();
                }
            }
        });
    }

    @Override
    public List<User> list(TenantId tenant, Filter filter, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        return db.read("list users of tenant " + tenant, c -> {
            // LIMIT/OFFSET: both H2 and PostgreSQL take this form.
            try (PreparedStatement s = filtered(c, "SELECT " + COLUMNS, tenant, filter,
                    " ORDER BY created_at_ns, id LIMIT ? OFFSET ?", limit, offset)) {
                try (ResultSet rows = s.executeQuery()) {
                    List<User> users = new ArrayList<>();
                    while (rows.next()) {
                        users.add(map(rows));
                    }
                    return List.copyOf(users);
                }
            }
        });
    }

    @Override
    public long count(TenantId tenant, Filter filter) {
        return db.read("count users of tenant " + tenant, c -> {
            try (PreparedStatement s = filtered(c, "SELECT COUNT(*)", tenant, filter, "")) {
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    private static PreparedStatement filtered(Connection c, String select, TenantId tenant, Filter filter,
                                              String tail, int... more) throws SQLException {
        StringBuilder sql = new StringBuilder(select).append(" FROM users WHERE tenant_id = ?");
        if (filter.username() != null) {
            sql.append(" AND username = ?");
        }
        if (filter.email() != null) {
            sql.append(" AND email = ?");
        }
        sql.append(tail);
        PreparedStatement s = c.prepareStatement(sql.toString());
        try {
            int i = 1;
            s.setString(i++, tenant.value());
            if (filter.username() != null) {
                s.setString(i++, filter.username());
            }
            if (filter.email() != null) {
                s.setString(i++, filter.email());
            }
            for (int value : more) {
                s.setInt(i++, value);
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public boolean update(User user) {
        return db.write("update user of tenant " + user.tenantId(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE users SET username = ?, email = ?, first_name = ?,"
                    + " last_name = ?, updated_at_ns = ? WHERE tenant_id = ? AND id = ?")) {
                s.setString(1, user.username());
                s.setString(2, user.email());
                Database.setNullableString(s, 3, user.firstName());
                Database.setNullableString(s, 4, user.lastName());
                Database.setInstant(s, 5, user.updatedAt());
                s.setString(6, user.tenantId().value());
                s.setString(7, user.id());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(TenantId tenant, String id) {
        return db.write("delete user of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM users WHERE tenant_id = ? AND id = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    private static User map(ResultSet rows) throws SQLException {
        String id = rows.getString("id");
        try {
            return new User(id, TenantId.of(rows.getString("tenant_id")), rows.getString("username"),
                    rows.getString("email"), rows.getString("first_name"), rows.getString("last_name"),
                    Database.getInstant(rows, "created_at_ns"), Database.getInstant(rows, "updated_at_ns"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("user " + id + " is stored in a form this version can't read", e);
        }
    }
}
