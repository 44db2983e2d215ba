package dev.tollgate.core.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashes and verifies generated client secrets with HMAC-SHA256 under an installation key.
 *
 * <p>Why not bcrypt/Argon2: those exist to slow down guessing of low-entropy passwords. A
 * generated secret has 256 bits of entropy, so guessing is hopeless at any speed, and a slow
 * hash on every token request is what makes some peers manage 15 tokens/s. The HMAC key lives in
 * its own table, so a leaked copy of the client table alone can't even be checked offline.
 *
 * <p>Comparison is constant-time ({@link MessageDigest#isEqual}).
 */
public final class SecretHasher {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec keySpec;
    private final Mac prototype;
    /** Told the length of every input MACed; the tests' view of how much work a call did. */
    private final IntConsumer macObserver;

    public SecretHasher(byte[] key) {
        this(key, length -> { });
    }

    /** @param macObserver told the input length of every MAC computed, for tests that compare work */
    SecretHasher(byte[] key, IntConsumer macObserver) {
        this.macObserver = Objects.requireNonNull(macObserver, "macObserver");
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("secret hashing key must be at least 32 bytes");
        }
        try {
            keySpec = new SecretKeySpec(key, ALGORITHM);
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(keySpec);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public SecretHash hash(ClientSecret secret) {
        return new SecretHash(SecretHash.HMAC_SHA256 + "$"
                + Base64.getEncoder().withoutPadding().encodeToString(mac(secret.reveal())));
    }

    /** True when {@code presented} is the secret behind {@code stored}. Unknown algorithms never match. */
    public boolean matches(String presented, SecretHash stored) {
        return matchesAny(presented, List.of(stored));
    }

    /**
     * True when {@code presented} is the secret behind any of {@code candidates} (the two secrets of a
     * rotation's overlap). One MAC whatever the number of candidates, then a constant-time compare with
     * each, with no early exit: the time does not depend on which candidate matched, and checking an
     * unknown client against one made-up hash costs what a known client with one secret costs.
     */
    public boolean matchesAny(String presented, List<SecretHash> candidates) {
        byte[] presentedMac = mac(presented == null ? "" : presented);
        boolean matched = false;
        for (SecretHash stored : candidates) {
            matched |= isMacOf(presentedMac, stored);
        }
        return matched && presented != null;
    }

    private static boolean isMacOf(byte[] presentedMac, SecretHash stored) {
        if (!SecretHash.HMAC_SHA256.equals(stored.algorithm())) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(stored.value());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presentedMac, expected);
    }

    private byte[] mac(String secret) {
        byte[] input = secret.getBytes(StandardCharsets.UTF_8);
        macObserver.accept(input.length);
        return newMac().doFinal(input);
    }

    private Mac newMac() {
        // A Mac is not thread-safe; cloning the initialised prototype skips key setup and costs
        // far less than Mac.getInstance + init per request.
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(keySpec);
                return mac;
            } catch (GeneralSecurityException inner) {
                throw new IllegalStateException(inner);
            }
        }
    }
}
