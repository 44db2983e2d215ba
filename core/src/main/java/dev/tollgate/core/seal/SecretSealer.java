package dev.tollgate.core.seal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of secrets at rest: each value gets a fresh AES-256 data key, the value is
 * sealed with it (AES-GCM) and the data key is wrapped by the {@link KeyEncryptionKey} (AES-GCM).
 * A fresh data key per value keeps the number of messages under any one key tiny, so random
 * 96-bit nonces stay far from their collision bound, and it is the shape a KEK kept in an HSM needs
 * (only the small wrap ever touches the KEK).
 *
 * <p>The text form is {@code tgenc1:<kek id>:<wrapped data key>:<sealed value>}, base64url. Both
 * GCM operations authenticate the version, the KEK id and a <em>context</em> naming the row and
 * column the value belongs to ({@code signing_keys|10001|kid}), so a value copied into another row,
 * a changed KEK id or any altered byte is refused rather than opened. Text without the prefix is a
 * value from before sealing existed; {@link #isSealed} tells the store which rows still need it.
 *
 * <p>Thread-safe; no state changes after construction.
 */
public final class SecretSealer {

    static final String PREFIX = "tgenc1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final KeyEncryptionKey current;
    private final Map<String, KeyEncryptionKey> readable = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param current seals every new value
     * @param older   also open values (during a KEK rotation, the key being replaced)
     */
    public SecretSealer(KeyEncryptionKey current, KeyEncryptionKey... older) {
        this.current = Objects.requireNonNull(current, "current");
        readable.put(current.id(), current);
        for (KeyEncryptionKey key : older) {
            readable.putIfAbsent(key.id(), key);
        }
    }

    /** The id of the KEK new values are sealed under. */
    public String currentKeyId() {
        return current.id();
    }

    /** A sealer for a KEK rotation: seals under {@code next}, and still opens what this one sealed. */
    public SecretSealer rotatingTo(KeyEncryptionKey next) {
        return new SecretSealer(next, current);
    }

    /** Whether a value sealed under {@code kekId} can be opened here. */
    public boolean canOpen(String kekId) {
        return readable.containsKey(kekId);
    }

    /** Whether {@code stored} is in the sealed form (not necessarily one this sealer can open). */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The id of the KEK a sealed value names; empty for a value that isn't sealed. */
    public static Optional<String> keyIdOf(String stored) {
        if (!isSealed(stored)) {
            return Optional.empty();
        }
        int end = stored.indexOf(':', PREFIX.length());
        return end < 0 ? Optional.empty() : Optional.of(stored.substring(PREFIX.length(), end));
    }

    public String seal(String plaintext, String context) {
        byte[] bytes = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            return seal(bytes, context);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public String seal(byte[] plaintext, String context) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] aad = aad(current.id(), context);
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        try {
            byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, current.secretKey(), aad, dataKey, null);
            byte[] sealed = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), aad, plaintext, null);
            return PREFIX + current.id() + ":" + B64.encodeToString(wrapped) + ":" + B64.encodeToString(sealed);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    public String unsealText(String stored, String context) {
        return new String(unseal(stored, context), StandardCharsets.UTF_8);
    }

    /**
     * @throws SealedSecretException when {@code stored} is not sealed, names a KEK this sealer
     *                               doesn't hold, or fails authentication (altered, or sealed for
     *                               another context)
     */
    public byte[] unseal(String stored, String context) {
        Objects.requireNonNull(context, "context");
        if (!isSealed(stored)) {
            throw new SealedSecretException(context + " is stored unsealed; this version only reads sealed secrets");
        }
        String[] parts = stored.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 3) {
            throw new SealedSecretException(context + " is not a well-formed sealed value");
        }
        KeyEncryptionKey kek = readable.get(parts[0]);
        if (kek == null) {
            throw new SealedSecretException(context + " is sealed under key-encryption key " + parts[0]
                    + ", which this process does not have (it has " + String.join(", ", readable.keySet()) + ")");
        }
        byte[] aad = aad(kek.id(), context);
        byte[] dataKey = null;
        try {
            dataKey = gcm(Cipher.DECRYPT_MODE, kek.secretKey(), aad, null, B64D.decode(parts[1]));
            return gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), aad, null, B64D.decode(parts[2]));
        } catch (AEADBadTagException e) {
            throw new SealedSecretException(context + " fails authentication: altered, or sealed for another row", e);
        } catch (IllegalArgumentException e) {
            throw new SealedSecretException(context + " is not a well-formed sealed value", e);
        } finally {
            if (dataKey != null) {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
    }

    private static byte[] aad(String kekId, String context) {
        return (PREFIX + kekId + ":" + context).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts {@code plaintext} to nonce || ciphertext, or decrypts {@code nonceAndCiphertext}. */
    private byte[] gcm(int mode, SecretKey key, byte[] aad, byte[] plaintext, byte[] nonceAndCiphertext)
            throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            if (mode == Cipher.ENCRYPT_MODE) {
                byte[] nonce = new byte[NONCE_BYTES];
                random.nextBytes(nonce);
                cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(aad);
                byte[] sealed = cipher.doFinal(plaintext);
                return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            }
            if (nonceAndCiphertext.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("too short");
            }
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonceAndCiphertext, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(nonceAndCiphertext, NONCE_BYTES, nonceAndCiphertext.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
