package dev.tollgate.store;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.StoreException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

final class JdbcInstallationRepository implements InstallationRepository {

    private final Database db;

    JdbcInstallationRepository(Database db) {
        this.db = db;
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
                        return Optional.of(Base64.getDecoder().decode(rows.getString(1)));
                    } catch (IllegalArgumentException e) {
                        throw new StoreException("installation value " + name + " is not base64", e);
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
                    s.setString(2, Base64.getEncoder().encodeToString(value));
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
