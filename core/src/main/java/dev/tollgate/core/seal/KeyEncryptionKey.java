package dev.tollgate.core.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that wraps the data keys of every secret at rest. It lives outside the database
 * (a file or an environment variable), so a copy of the database alone opens nothing.
 *
 * <p>Its {@link #id()} is derived from the key, so a sealed value names the key that opens it
 * without revealing anything about it: the store can tell which rows a KEK rotation has not reached
 * yet, and a node with the wrong KEK is refused at start rather than failing row by row.
 * Not a record: {@code toString} must not expose the key, nor equality compare it in variable time.
 */
public final class KeyEncryptionKey {

    public static final int LENGTH = 32;

    /** Sixteen bytes, one AES block. */
    private static final byte[] ID_BLOCK = "tollgate kek id.".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    private final String id;

    private KeyEncryptionKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
        this.id = idOf(bytes);
    }

    /** @throws IllegalArgumentException unless exactly 32 bytes */
    public static KeyEncryptionKey of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key-encryption key is " + LENGTH + " bytes, not " + bytes.length);
        }
        return new KeyEncryptionKey(bytes.clone());
    }

    /**
     * From its text form, standard or URL-safe base64 of 32 bytes (what {@link #toBase64()} writes).
     * The message never quotes the text: it is the key.
     *
     * @throws IllegalArgumentException when it is not base64 of 32 bytes
     */
    public static KeyEncryptionKey fromBase64(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        byte[] bytes;
        try {
            bytes = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a key-encryption key is base64 of " + LENGTH + " bytes; this is not base64");
        }
        try {
            return of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    public static KeyEncryptionKey generate(SecureRandom random) {
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new KeyEncryptionKey(bytes);
    }

    /** Twelve base64url characters naming this key; the same key always has the same id. */
    public String id() {
        return id;
    }

    /** The key in the text form {@link #fromBase64} reads, for writing the KEK file. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    SecretKey secretKey() {
        return key;
    }

    /**
     * A key check value: the key's own encryption of a fixed block, as HSMs and payment systems name
     * keys. It needs only the ability to encrypt with the key, never its bytes, so a key that can't
     * leave a PKCS#11 token gets the same id as the same key in a file; and, unlike a plain hash of
     * the key, it is no fast test for guesses of it without the key's own cipher work per guess.
     */
    private static String idOf(byte[] bytes) {
        try {
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(bytes, "AES"));
            byte[] check = cipher.doFinal(ID_BLOCK);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(check, 9));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is missing from this JDK", e);
        }
    }

    /** Constant-time, like every comparison of key material. */
    @Override
    public boolean equals(Object other) {
        return other instanceof KeyEncryptionKey that
                && MessageDigest.isEqual(key.getEncoded(), that.key.getEncoded());
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "KeyEncryptionKey[" + id + "]";
    }
}
