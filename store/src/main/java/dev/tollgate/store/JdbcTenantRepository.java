package dev.tollgate.store;

import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

final class JdbcTenantRepository implements TenantRepository {

    private static final String COLUMNS =
            "id, name, signing_algorithm, allow_query_credentials, default_audience, allowed_authorities,"
                    + " allowed_audiences, created_at_ns, key_rotation_interval_s, assertion_token_endpoint_aud";

    private final Database db;

    JdbcTenantRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(Tenant tenant) {
        db.write("insert tenant " + tenant.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tenants (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, tenant.id().value());
                s.setString(2, tenant.name());
                s.setString(3, tenant.settings().signingAlgorithm().name());
                s.setBoolean(4, tenant.settings().allowQueryCredentials());
                Database.setNullableString(s, 5, tenant.settings().defaultAudience());
                s.setString(6, String.join(" ", tenant.settings().allowedAuthorities()));
                s.setString(7, String.join(" ", tenant.settings().allowedAudiences()));
                Database.setInstant(s, 8, tenant.createdAt());
                setInterval(s, 9, tenant.settings().keyRotationInterval());
                s.setBoolean(10, tenant.settings().tokenEndpointAudience());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Tenant> find(TenantId id) {
        return db.read("find tenant " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM tenants WHERE id = ?")) {
                s.setString(1, id.value());
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.<Tenant>empty();
                }
            }
        });
    }

    @Override
    public boolean lock(TenantId id) {
        return db.read("lock tenant " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM tenants WHERE id = ? FOR UPDATE")) {
                s.setString(1, id.value());
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public List<Tenant> list() {
        List<Tenant> tenants = db.read("list tenants", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM tenants");
                 ResultSet rows = s.executeQuery()) {
                List<Tenant> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(map(rows));
                }
                return result;
            }
        });
        // Sorted here, not by ORDER BY: the databases' collations differ, Java's order doesn't.
        tenants.sort(Comparator.comparing(t -> t.id().value()));
        return List.copyOf(tenants);
    }

    @Override
    public boolean update(Tenant tenant) {
        return db.write("update tenant " + tenant.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET name = ?, signing_algorithm = ?,"
                    + " allow_query_credentials = ?, default_audience = ?, allowed_authorities = ?,"
                    + " allowed_audiences = ?, key_rotation_interval_s = ?, assertion_token_endpoint_aud = ? WHERE id = ?")) {
                s.setString(1, tenant.name());
                s.setString(2, tenant.settings().signingAlgorithm().name());
                s.setBoolean(3, tenant.settings().allowQueryCredentials());
                Database.setNullableString(s, 4, tenant.settings().defaultAudience());
                s.setString(5, String.join(" ", tenant.settings().allowedAuthorities()));
                s.setString(6, String.join(" ", tenant.settings().allowedAudiences()));
                setInterval(s, 7, tenant.settings().keyRotationInterval());
                s.setBoolean(8, tenant.settings().tokenEndpointAudience());
                s.setString(9, tenant.id().value());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Whole seconds: the schedule's bounds are hours to years. */
    private static void setInterval(PreparedStatement s, int index, Duration interval) throws SQLException {
        if (interval == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, interval.toSeconds());
        }
    }

    private static Duration getInterval(ResultSet rows) throws SQLException {
        long seconds = rows.getLong("key_rotation_interval_s");
        return rows.wasNull() ? null : Duration.ofSeconds(seconds);
    }

    private static Tenant map(ResultSet rows) throws SQLException {
        String id = rows.getString("id");
        try {
            TenantSettings settings = new TenantSettings(
                    SigningAlgorithm.valueOf(rows.getString("signing_algorithm")),
                    rows.getBoolean("allow_query_credentials"),
                    rows.getString("default_audience"),
                    Database.spaceDelimited(rows.getString("allowed_authorities")),
                    Database.spaceDelimited(rows.getString("allowed_audiences")),
                    getInterval(rows),
                    rows.getBoolean("assertion_token_endpoint_aud"));
            return new Tenant(TenantId.of(id), rows.getString("name"), settings,
                    Database.getInstant(rows, "created_at_ns"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("tenant " + id + " is stored in a form this version can't read", e);
        }
    }
}
