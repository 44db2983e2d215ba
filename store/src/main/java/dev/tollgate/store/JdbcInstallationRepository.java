package dev.tollgate.store;

import dev.tollgate.core.seal.SealedSecretException;
import dev.tollgate.core.seal.SecretSealer;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.StoreException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Installation values in {@code installation}, every one sealed ({@link SealedColumns}): all of them
 * so far are keys (secret hashing, device cookies), and a value that is not secret loses nothing by it.
 */
final class JdbcInstallationRepository implements InstallationRepository {

    private final Database db;
    private final Supplier<SecretSealer> sealer;

    JdbcInstallationRepository(Database db, Supplier<SecretSealer> sealer) {
        this.db = db;
        this.sealer = sealer;
    }

    @Override
    public Optional<byte[]> find(String name) {
        Objects.requireNonNull(name, "name");
        return db.read("read installation value " + name, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT value_base64 FROM installation WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet rows = s.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<byte[]>empty();
                    }
                    try {
                        return Optional.of(sealer.get().unseal(rows.getString(1), SealedColumns.installation(name)));
                    } catch (SealedSecretException e) {
                        throw new StoreException("installation value " + name + " can't be opened: " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    /**
     * Inserts, and when the insert collides with a row that another node committed first, reads
     * that row instead. PostgreSQL makes a concurrent insert of the same name wait for the first
     * one's transaction, so the loser always finds the winner's value.
     */
    @Override
    public byte[] putIfAbsent(String name, byte[] value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Optional<byte[]> existing = find(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            db.write("store installation value " + name, c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO installation (name, value_base64) VALUES (?, ?)")) {
                    s.setString(1, name);
                    s.setString(2, sealer.get().seal(value, SealedColumns.installation(name)));
                    return s.executeUpdate();
                }
            });
            return value.clone();
        } catch (DuplicateException lostTheRace) {
            return find(name).orElseThrow(() -> new StoreException(
                    "installation value " + name + " collided on insert but can't be read", lostTheRace));
        }
    }
}
