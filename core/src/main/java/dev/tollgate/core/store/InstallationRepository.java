package dev.tollgate.core.store;

import java.util.Optional;

/** Installation-wide values shared by all nodes, such as the secret-hashing key. */
public interface InstallationRepository {

    Optional<byte[]> find(String name);

    /**
     * Stores {@code value} under {@code name} unless a value is already there, and returns the
     * stored one; when two nodes race, both get the winner's value.
     */
    byte[] putIfAbsent(String name, byte[] value);
}
