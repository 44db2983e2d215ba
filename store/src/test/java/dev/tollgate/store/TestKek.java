package dev.tollgate.store;

import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.core.seal.KeyEncryptionKeySource;

import java.security.SecureRandom;

/** Key-encryption keys for tests that open stores. */
public final class TestKek {

    /** One random KEK for the whole test JVM, so every store a test opens again can read what it sealed. */
    public static final KeyEncryptionKeySource SHARED =
            KeyEncryptionKeySource.fixed(KeyEncryptionKey.generate(new SecureRandom()), "test key-encryption key");

    private TestKek() {
    }

    /** The KEK file a server with this store configuration uses by default: the CLI finds the same one. */
    public static KeyEncryptionKeySource defaultFile(StoreConfig config) {
        return new KeyEncryptionKeyFile(config.defaultKeyEncryptionKeyFile());
    }
}
