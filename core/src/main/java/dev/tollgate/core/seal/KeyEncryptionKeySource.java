package dev.tollgate.core.seal;

import java.util.Objects;
import java.util.Optional;

/**
 * Where this process gets its {@link KeyEncryptionKey}. The store asks {@link #existing()} first
 * and {@link #create()} only when the database holds no sealed value yet: a node must never make
 * itself a second KEK that can't open what the other nodes sealed.
 */
public interface KeyEncryptionKeySource {

    /** The KEK if there is one already. */
    Optional<KeyEncryptionKey> existing();

    /**
     * Makes and keeps a new KEK, for a store that has nothing sealed yet.
     *
     * @throws IllegalStateException when this source can't make one (an environment variable)
     */
    KeyEncryptionKey create();

    /** Where the KEK comes from, for messages: a path or a variable's name, never the key. */
    String describe();

    /** A KEK handed in whole: from an environment variable, or a test's. */
    static KeyEncryptionKeySource fixed(KeyEncryptionKey key, String description) {
        return new FixedKeyEncryptionKey(key, description);
    }

    /** Equal when the key is: two loads of the same configuration give equal sources. */
    record FixedKeyEncryptionKey(KeyEncryptionKey key, String description) implements KeyEncryptionKeySource {

        public FixedKeyEncryptionKey {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public Optional<KeyEncryptionKey> existing() {
            return Optional.of(key);
        }

        @Override
        public KeyEncryptionKey create() {
            return key;
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
