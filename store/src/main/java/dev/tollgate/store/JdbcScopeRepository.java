package dev.tollgate.store;

import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.store.ScopeRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

final class JdbcScopeRepository implements ScopeRepository {

    private final Database db;

    JdbcScopeRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(TenantId tenant, ScopeDefinition scope) {
        db.write("insert scope " + scope.name() + " of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO scopes (tenant_id, name, description) VALUES (?, ?, ?)")) {
                s.setString(1, tenant.value());
                s.setString(2, scope.name().value());
                s.setString(3, scope.description());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ScopeDefinition> find(TenantId tenant, ScopeName name) {
        return find(tenant, name, "");
    }

    @Override
    public Optional<ScopeDefinition> findForUpdate(TenantId tenant, ScopeName name) {
        return find(tenant, name, " FOR UPDATE");
    }

    private Optional<ScopeDefinition> find(TenantId tenant, ScopeName name, String lock) {
        return db.read("find scope " + name + " of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT name, description FROM scopes WHERE tenant_id = ? AND name = ?" + lock)) {
                s.setString(1, tenant.value());
                s.setString(2, name.value());
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.<ScopeDefinition>empty();
                }
            }
        });
    }

    @Override
    public List<ScopeDefinition> list(TenantId tenant) {
        List<ScopeDefinition> scopes = db.read("list scopes of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name, description FROM scopes WHERE tenant_id = ?")) {
                s.setString(1, tenant.value());
                try (ResultSet rows = s.executeQuery()) {
                    List<ScopeDefinition> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(map(rows));
                    }
                    return result;
                }
            }
        });
        scopes.sort(Comparator.comparing(ScopeDefinition::name));
        return List.copyOf(scopes);
    }

    @Override
    public boolean delete(TenantId tenant, ScopeName name) {
        return db.write("delete scope " + name + " of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM scopes WHERE tenant_id = ? AND name = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, name.value());
                return s.executeUpdate() == 1;
            }
        });
    }

    private static ScopeDefinition map(ResultSet rows) throws SQLException {
        String name = rows.getString("name");
        try {
            return new ScopeDefinition(new ScopeName(name), rows.getString("description"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("scope " + name + " is stored in a form this version can't read", e);
        }
    }
}
