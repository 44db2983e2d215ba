package dev.tollgate.store;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.seal.SealedSecretException;
import dev.tollgate.core.seal.SecretSealer;
import dev.tollgate.core.store.AdminRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Console admins in {@code admins}, the TOTP seed sealed ({@link SealedColumns}). */
final class JdbcAdminRepository implements AdminRepository {

    private static final String COLUMNS = "id, tenant_id, username, role, capabilities, password_hash,"
            + " must_change_password, totp_secret, created_at_ns, updated_at_ns";

    private final Database db;
    private final Supplier<SecretSealer> sealer;

    JdbcAdminRepository(Database db, Supplier<SecretSealer> sealer) {
        this.db = db;
        this.sealer = sealer;
    }

    @Override
    public void insert(Admin admin) {
        db.write("insert admin of tenant " + admin.tenantId(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO admins (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, admin.id());
                s.setString(2, admin.tenantId().value());
                s.setString(3, admin.username());
                s.setString(4, admin.role().name());
                s.setString(5, capabilities(admin.capabilities()));
                s.setString(6, admin.passwordHash());
                s.setBoolean(7, admin.mustChangePassword());
                Database.setNullableString(s, 8, sealedTotp(admin));
                Database.setInstant(s, 9, admin.createdAt());
                Database.setInstant(s, 10, admin.updatedAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Admin> find(TenantId tenant, String id) {
        return findBy("id", tenant, id);
    }

    @Override
    public Optional<Admin> findByUsername(TenantId tenant, String username) {
        return findBy("username", tenant, username);
    }

    private Optional<Admin> findBy(String column, TenantId tenant, String value) {
        return db.read("find admin of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM admins WHERE tenant_id = ? AND " + column + " = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, value);
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(map(rows)) : Optional.<Admin>empty();
                }
            }
        });
    }

    @Override
    public List<Admin> list(TenantId tenant) {
        List<Admin> admins = db.read("list admins of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM admins WHERE tenant_id = ?")) {
                s.setString(1, tenant.value());
                try (ResultSet rows = s.executeQuery()) {
                    List<Admin> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(map(rows));
                    }
                    return result;
                }
            }
        });
        // Sorted here, not by ORDER BY: the databases' collations disagree on case and punctuation.
        admins.sort(Comparator.comparing(Admin::username));
        return List.copyOf(admins);
    }

    @Override
    public boolean update(Admin admin) {
        return db.write("update admin of tenant " + admin.tenantId(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE admins SET username = ?, role = ?, capabilities = ?,"
                    + " password_hash = ?, must_change_password = ?, totp_secret = ?, updated_at_ns = ?"
                    + " WHERE tenant_id = ? AND id = ?")) {
                s.setString(1, admin.username());
                s.setString(2, admin.role().name());
                s.setString(3, capabilities(admin.capabilities()));
                s.setString(4, admin.passwordHash());
                s.setBoolean(5, admin.mustChangePassword());
                Database.setNullableString(s, 6, sealedTotp(admin));
                Database.setInstant(s, 7, admin.updatedAt());
                s.setString(8, admin.tenantId().value());
                s.setString(9, admin.id());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(TenantId tenant, String id) {
        // The admin's sessions go with it (ON DELETE CASCADE).
        return db.write("delete admin of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM admins WHERE tenant_id = ? AND id = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean recordTotpStep(TenantId tenant, String id, long step) {
        // One guarded UPDATE, not a read then a write: the row lock orders two nodes accepting the same code.
        return db.write("record TOTP step of admin of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE admins SET totp_last_step = ?"
                    + " WHERE tenant_id = ? AND id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)")) {
                s.setLong(1, step);
                s.setString(2, tenant.value());
                s.setString(3, id);
                s.setLong(4, step);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** In declaration order, so the column reads the same whatever order the set iterates in. */
    private static String capabilities(Set<Capability> capabilities) {
        return capabilities.stream().sorted().map(Capability::name).collect(Collectors.joining(" "));
    }

    private String sealedTotp(Admin admin) {
        return admin.totpSecret() == null ? null
                : sealer.get().seal(admin.totpSecret(), SealedColumns.totpSecret(admin.tenantId().value(), admin.id()));
    }

    private Admin map(ResultSet rows) throws SQLException {
        String id = rows.getString("id");
        String tenant = rows.getString("tenant_id");
        String sealedTotp = rows.getString("totp_secret");
        try {
            String totp = sealedTotp == null ? null
                    : sealer.get().unsealText(sealedTotp, SealedColumns.totpSecret(tenant, id));
            Set<Capability> capabilities = Arrays.stream(rows.getString("capabilities").split(" "))
                    .filter(name -> !name.isEmpty())
                    .map(Capability::valueOf)
                    .collect(Collectors.toUnmodifiableSet());
            return new Admin(id, TenantId.of(tenant), rows.getString("username"),
                    AdminRole.valueOf(rows.getString("role")), capabilities, rows.getString("password_hash"),
                    rows.getBoolean("must_change_password"), totp,
                    Database.getInstant(rows, "created_at_ns"), Database.getInstant(rows, "updated_at_ns"));
        } catch (SealedSecretException e) {
            throw new StoreException("admin " + id + "'s second factor can't be opened: " + e.getMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException("admin " + id + " is stored in a form this version can't read", e);
        }
    }
}
