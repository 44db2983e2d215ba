package dev.tollgate.store;

import dev.tollgate.core.seal.SealedSecretException;
import dev.tollgate.core.seal.SecretSealer;
import dev.tollgate.core.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The columns that hold secrets, sealed by {@link SecretSealer}: private signing keys, TOTP seeds,
 * and every installation value (the secret-hashing key, the device-cookie key). Each value is bound
 * to its row by a context naming table, row key and column, so a sealed value moved to another row
 * does not open.
 *
 * <p>Also the store-wide work on them: which KEKs the store's values name, sealing values written
 * before sealing existed, and re-sealing everything under a new KEK.
 */
final class SealedColumns {

    /** One secret column; {@code keys} identify the row, {@code legacyBase64} when the unsealed form was base64. */
    private record Column(String table, String value, List<String> keys, boolean legacyBase64) {

        String context(List<String> keyValues) {
            return table + "|" + String.join("|", keyValues) + "|" + value;
        }

        byte[] legacyPlaintext(String stored) {
            return legacyBase64 ? Base64.getDecoder().decode(stored) : stored.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final Column SIGNING_KEYS = new Column("signing_keys", "jwk", List.of("tenant_id", "kid"), false);
    private static final Column TOTP = new Column("admins", "totp_secret", List.of("tenant_id", "id"), false);
    private static final Column INSTALLATION = new Column("installation", "value_base64", List.of("name"), true);
    private static final List<Column> ALL = List.of(SIGNING_KEYS, TOTP, INSTALLATION);

    private SealedColumns() {
    }

    static String signingKey(String tenant, String kid) {
        return SIGNING_KEYS.context(List.of(tenant, kid));
    }

    static String totpSecret(String tenant, String adminId) {
        return TOTP.context(List.of(tenant, adminId));
    }

    static String installation(String name) {
        return INSTALLATION.context(List.of(name));
    }

    /** The ids of the KEKs that sealed values in the store name. */
    static Set<String> keyIdsInUse(Connection c) throws SQLException {
        Set<String> ids = new TreeSet<>();
        for (Column column : ALL) {
            forEachRow(c, column, (keys, stored) -> SecretSealer.keyIdOf(stored).ifPresent(ids::add));
        }
        return ids;
    }

    /**
     * Seals every value still stored as it was before sealing existed. Each update is guarded by
     * the value it replaces, so when two nodes start at once each row is sealed once (the other
     * node's update matches nothing) and running it again changes nothing.
     *
     * @return how many values it sealed
     */
    static int sealUnsealed(Connection c, SecretSealer sealer) throws SQLException {
        int sealed = 0;
        for (Column column : ALL) {
            for (Row row : rows(c, column)) {
                if (!SecretSealer.isSealed(row.stored)) {
                    sealed += replace(c, column, row, sealer.seal(plaintext(column, row), column.context(row.keys)));
                }
            }
        }
        return sealed;
    }

    /**
     * Re-seals every value under {@code sealer}'s current KEK, opening each with whichever KEK it
     * names. A row that changed meanwhile undoes the whole re-seal, so none is left behind under
     * the old KEK.
     *
     * @return how many values it re-sealed
     * @throws StoreException when a value can't be opened or a row changed during the re-seal
     */
    static int resealAll(Connection c, SecretSealer sealer) throws SQLException {
        int resealed = 0;
        for (Column column : ALL) {
            for (Row row : rows(c, column)) {
                String context = column.context(row.keys);
                byte[] plaintext;
                try {
                    plaintext = SecretSealer.isSealed(row.stored) ? sealer.unseal(row.stored, context) : plaintext(column, row);
                } catch (SealedSecretException e) {
                    throw new StoreException(e.getMessage(), e);
                }
                if (replace(c, column, row, sealer.seal(plaintext, context)) != 1) {
                    throw new StoreException(context + " changed during the re-seal; nothing was re-sealed, run it again");
                }
                resealed++;
            }
        }
        return resealed;
    }

    private record Row(List<String> keys, String stored) {
    }

    @FunctionalInterface
    private interface RowVisitor {
        void visit(List<String> keys, String stored);
    }

    private static byte[] plaintext(Column column, Row row) {
        try {
            return column.legacyPlaintext(row.stored);
        } catch (IllegalArgumentException e) {
            throw new StoreException(column.context(row.keys) + " is neither sealed nor in its unsealed form", e);
        }
    }

    private static List<Row> rows(Connection c, Column column) throws SQLException {
        List<Row> rows = new ArrayList<>();
        forEachRow(c, column, (keys, stored) -> rows.add(new Row(keys, stored)));
        return rows;
    }

    private static void forEachRow(Connection c, Column column, RowVisitor visitor) throws SQLException {
        // In key order, so two nodes sealing at once update rows in the same order and can't deadlock.
        String keyColumns = String.join(", ", column.keys);
        try (PreparedStatement s = c.prepareStatement("SELECT " + keyColumns + ", " + column.value
                + " FROM " + column.table + " WHERE " + column.value + " IS NOT NULL ORDER BY " + keyColumns);
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                List<String> keys = new ArrayList<>();
                for (int i = 1; i <= column.keys.size(); i++) {
                    keys.add(rows.getString(i));
                }
                visitor.visit(List.copyOf(keys), rows.getString(column.keys.size() + 1));
            }
        }
    }

    private static int replace(Connection c, Column column, Row row, String sealed) throws SQLException {
        String where = String.join(" = ? AND ", column.keys) + " = ? AND " + column.value + " = ?";
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE " + column.table + " SET " + column.value + " = ? WHERE " + where)) {
            s.setString(1, sealed);
            for (int i = 0; i < row.keys.size(); i++) {
                s.setString(i + 2, row.keys.get(i));
            }
            s.setString(row.keys.size() + 2, row.stored);
            return s.executeUpdate();
        }
    }
}
