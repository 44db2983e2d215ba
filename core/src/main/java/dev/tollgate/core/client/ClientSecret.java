package dev.tollgate.core.client;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A plaintext secret, as generated and shown exactly once. It never reaches a store or a log:
 * {@link #toString()} is masked so that an accidental log call leaks nothing.
 */
public final class ClientSecret {

    /** 256 bits: brute force is hopeless, so a fast keyed hash is enough to store it (see {@link SecretHasher}). */
    public static final int ENTROPY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private ClientSecret(String value) {
        this.value = value;
    }

    public static ClientSecret generate() {
        byte[] bytes = new byte[ENTROPY_BYTES];
        RANDOM.nextBytes(bytes);
        return new ClientSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The value to show once to its owner. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ClientSecret[****]";
    }
}
