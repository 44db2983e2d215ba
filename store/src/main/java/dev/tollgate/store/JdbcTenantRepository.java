package dev.tollgate.store;

import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

final class JdbcTenantRepository implements TenantRepository {

    private static final String COLUMNS =
            "id, name, signing_algorithm, allow_query_credentials, default_audience, allowed_authorities,"
                    + " allowed_audiences, created_at_ns, assertion_token_endpoint_aud, tls_client_ca_bundle";

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
                s.setBoolean(9, tenant.settings().tokenEndpointAudience());
                Database.setNullableString(s, 10, caBundle(tenant));
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
                    + " allowed_audiences = ?, assertion_token_endpoint_aud = ?, tls_client_ca_bundle = ? WHERE id = ?")) {
                s.setString(1, tenant.name());
                s.setString(2, tenant.settings().signingAlgorithm().name());
                s.setBoolean(3, tenant.settings().allowQueryCredentials());
                Database.setNullableString(s, 4, tenant.settings().defaultAudience());
                s.setString(5, String.join(" ", tenant.settings().allowedAuthorities()));
                s.setString(6, String.join(" ", tenant.settings().allowedAudiences()));
                s.setBoolean(7, tenant.settings().tokenEndpointAudience());
                Database.setNullableString(s, 8, caBundle(tenant));
                s.setString(9, tenant.id().value());
                return s.executeUpdate() == 1;
            }
        });
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
                    rows.getBoolean("assertion_token_endpoint_aud"),
                    ClientCertificateAuthorities.of(rows.getString("tls_client_ca_bundle")));
            return new Tenant(TenantId.of(id), rows.getString("name"), settings,
                    Database.getInstant(rows, "created_at_ns"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("tenant " + id + " is stored in a form this version can't read", e);
        }
    }

    private static String caBundle(Tenant tenant) {
        return tenant.settings().clientCas().isEmpty() ? null : tenant.settings().clientCas().pem();
    }
}
