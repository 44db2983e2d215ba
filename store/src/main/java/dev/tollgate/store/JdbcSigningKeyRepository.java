package dev.tollgate.store;

import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.seal.SealedSecretException;
import dev.tollgate.core.seal.SecretSealer;
import dev.tollgate.core.store.SigningKeyRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Signing keys in {@code signing_keys}, the private JWK sealed ({@link SealedColumns}). A key is
 * opened here, once per load: the token path signs with the cached {@code SigningKeyRing} and never
 * decrypts per request.
 */
final class JdbcSigningKeyRepository implements SigningKeyRepository {

    private static final String COLUMNS = "tenant_id, kid, algorithm, state, jwk,"
            + " created_at_ns, activated_at_ns, retired_at_ns, publish_until_ns";

    private static final Comparator<SigningKey> LIST_ORDER = Comparator
            .comparing(SigningKey::createdAt)
            .thenComparing(SigningKey::kid);

    /** Thrown inside {@link #apply} to undo the plan when a guard finds another node got there first. */
    private static final class StalePlan extends RuntimeException {
        StalePlan() {
            super(null, null, false, false);
        }
    }

    private final Database db;
    private final Supplier<SecretSealer> sealer;

    JdbcSigningKeyRepository(Database db, Supplier<SecretSealer> sealer) {
        this.db = db;
        this.sealer = sealer;
    }

    @Override
    public List<SigningKey> list(TenantId tenant) {
        List<SigningKey> keys = db.read("list signing keys of tenant " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM signing_keys WHERE tenant_id = ?")) {
                s.setString(1, tenant.value());
                try (ResultSet rows = s.executeQuery()) {
                    List<SigningKey> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(map(rows));
                    }
                    return result;
                }
            }
        });
        keys.sort(LIST_ORDER);
        return List.copyOf(keys);
    }

    @Override
    public void insert(SigningKey key) {
        db.write("insert signing key " + key.kid() + " of tenant " + key.tenantId(), c -> {
            insert(c, key);
            return null;
        });
    }

    /**
     * Every update and delete names the state the plan saw. A row in another state (or gone) means
     * another node rotated since, so the whole plan is undone and the answer is false: in a
     * transaction of its own, or to a savepoint inside the caller's.
     */
    @Override
    public boolean apply(KeyRotation.Plan plan) {
        try {
            return db.atomically("apply a key rotation", c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE signing_keys SET state = ?, activated_at_ns = ?,"
                        + " retired_at_ns = ?, publish_until_ns = ? WHERE tenant_id = ? AND kid = ? AND state = ?")) {
                    for (KeyRotation.Change change : plan.updates()) {
                        SigningKey key = change.key();
                        s.setString(1, key.state().name());
                        Database.setInstant(s, 2, key.activatedAt());
                        Database.setInstant(s, 3, key.retiredAt());
                        Database.setInstant(s, 4, key.publishUntil());
                        s.setString(5, key.tenantId().value());
                        s.setString(6, key.kid());
                        s.setString(7, change.expectedState().name());
                        if (s.executeUpdate() != 1) {
                            throw new StalePlan();
                        }
                    }
                }
                for (SigningKey key : plan.inserts()) {
                    insert(c, key);
                }
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM signing_keys WHERE tenant_id = ? AND kid = ? AND state = ?")) {
                    for (SigningKey key : plan.deletes()) {
                        s.setString(1, key.tenantId().value());
                        s.setString(2, key.kid());
                        s.setString(3, key.state().name());
                        if (s.executeUpdate() != 1) {
                            throw new StalePlan();
                        }
                    }
                }
                return true;
            });
        } catch (StalePlan stale) {
            return false;
        }
    }

    private void insert(Connection c, SigningKey key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO signing_keys (" + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, key.tenantId().value());
            s.setString(2, key.kid());
            s.setString(3, key.algorithm().name());
            s.setString(4, key.state().name());
            s.setString(5, sealer.get().seal(key.privateJwk().toJSONString(),
                    SealedColumns.signingKey(key.tenantId().value(), key.kid())));
            Database.setInstant(s, 6, key.createdAt());
            Database.setInstant(s, 7, key.activatedAt());
            Database.setInstant(s, 8, key.retiredAt());
            Database.setInstant(s, 9, key.publishUntil());
            s.executeUpdate();
        }
    }

    private SigningKey map(ResultSet rows) throws SQLException {
        String tenant = rows.getString("tenant_id");
        String kid = rows.getString("kid");
        try {
            return new SigningKey(
                    TenantId.of(tenant),
                    kid,
                    SigningAlgorithm.valueOf(rows.getString("algorithm")),
                    KeyState.valueOf(rows.getString("state")),
                    JWK.parse(sealer.get().unsealText(rows.getString("jwk"), SealedColumns.signingKey(tenant, kid))),
                    Database.getInstant(rows, "created_at_ns"),
                    Database.getInstant(rows, "activated_at_ns"),
                    Database.getInstant(rows, "retired_at_ns"),
                    Database.getInstant(rows, "publish_until_ns"));
        } catch (SealedSecretException e) {
            throw new StoreException("signing key " + kid + " of tenant " + tenant + " can't be opened: " + e.getMessage(), e);
        } catch (ParseException | IllegalArgumentException | NullPointerException e) {
            // The message names the key, never the JWK: it holds the private part.
            throw new StoreException("signing key " + kid + " of tenant " + tenant
                    + " is stored in a form this version can't read", e);
        }
    }
}
