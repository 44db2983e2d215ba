package dev.tollgate.core.admin;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Admin passwords as PBKDF2-HMAC-SHA256 (the JDK's own; OWASP's 2023 guidance: 600,000 iterations),
 * encoded {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>} so the cost can rise later and old
 * hashes still verify.
 *
 * <pre>{@code
 * PasswordHasher hasher = new PasswordHasher();
 * String stored = hasher.hash(password);          // pbkdf2-sha256$600000$...$...
 * boolean ok = hasher.verify(attempt, stored);    // at the cost stored in the encoding
 * }</pre>
 *
 * <p>The hashing itself runs in a {@link PasswordHashingPool}, which bounds how many hashes run at
 * once in the whole process; {@link #verify} fails fast with {@link AdminFailure.Throttled} when
 * the pool is busy, {@link #hash} waits its turn.
 */
public final class PasswordHasher {

    public static final int DEFAULT_ITERATIONS = 600_000;

    /**
     * The shortest password an admin may choose. NIST SP 800-63B §5.1.1.2 asks for at least 8;
     * 12 is the common guidance for accounts that manage credentials of others.
     */
    public static final int MIN_LENGTH = 12;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Bounds the cost an encoding can demand, so a corrupted (or planted) row cannot stall a login for minutes. */
    private static final int MAX_ITERATIONS = 10_000_000;
    /** 18 bytes: 144 bits, exactly 24 base64url characters without padding. */
    private static final int GENERATED_PASSWORD_BYTES = 18;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final PasswordHashingPool pool;

    /** The default cost, in the process's shared pool. */
    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** Fewer iterations than the default are for tests only. */
    public PasswordHasher(int iterations) {
        this(iterations, SharedPool.POOL);
    }

    /** @param pool where the hashing runs; the server passes one sized by its configuration */
    public PasswordHasher(int iterations, PasswordHashingPool pool) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS);
        }
        this.iterations = iterations;
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** Hashers built without a pool share this one, so they too are bounded together. */
    private static final class SharedPool {
        static final PasswordHashingPool POOL = new PasswordHashingPool(PasswordHashingPool.defaultPermits());
    }

    public int iterations() {
        return iterations;
    }

    /**
     * Waits for a hashing permit (a new password is asked for by a signed-in admin or the operator).
     *
     * @throws IllegalArgumentException for an empty password (HMAC refuses an empty key)
     * @throws AdminFailure.Throttled   when no permit frees for a long while
     */
    public String hash(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = pool.runPatiently(() -> derive(password, salt, iterations, HASH_BYTES));
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Constant-time comparison; false for a malformed encoding.
     *
     * @throws AdminFailure.Throttled when every hashing permit stays taken for
     *                                {@link PasswordHashingPool#MAX_WAIT}: nothing was checked
     */
    public boolean verify(char[] password, String encoded) {
        if (password == null || password.length == 0 || encoded == null) {
            return false;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (storedIterations < 1 || storedIterations > MAX_ITERATIONS || salt.length == 0
                    || expected.length < 16 || expected.length > 64) {
                return false;
            }
            byte[] derived = pool.run(() -> derive(password, salt, storedIterations, expected.length));
            return MessageDigest.isEqual(derived, expected);
        } catch (IllegalArgumentException e) {
            // NumberFormatException too: a malformed row answers "no", as a wrong password does.
            return false;
        }
    }

    /**
     * An encoding at this hasher's cost that no password matches (its hash is random bytes, not a
     * derivation): verifying against it costs exactly what verifying a stored one does, and making
     * it costs no hash, so it needs no permit.
     */
    public String unmatchable() {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(hash);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code password} meets the policy for a password an admin chooses. */
    public static boolean isAcceptable(char[] password) {
        return password != null && Character.codePointCount(password, 0, password.length) >= MIN_LENGTH;
    }

    /** A random password of at least 128 bits for bootstrap and new admins, shown once. */
    public static String generatePassword() {
        byte[] bytes = new byte[GENERATED_PASSWORD_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
