package dev.tollgate.core.admin;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * RFC 6238 time-based one-time passwords as authenticator apps implement them: HMAC-SHA1, six
 * digits, 30-second steps, secrets in RFC 4648 base32. A code is accepted one step either side of
 * now, for clocks that drift and users who type slowly (RFC 6238 §5.2).
 *
 * <pre>{@code
 * String secret = Totp.generateSecret();                        // store it, show it once
 * String uri = Totp.provisioningUri("Tollgate 10001", "alice", secret);   // as a QR code
 * boolean ok = Totp.verify(secret, "287082", clock.instant());
 * }</pre>
 *
 * <p>RFC 6238 §5.2 also asks that a code be accepted only once: {@link #matchingStep} gives the
 * step a code belongs to, so the caller can refuse a step it has already seen.
 */
public final class Totp {

    public static final int DIGITS = 6;
    public static final long STEP_SECONDS = 30;
    /** Steps accepted either side of now. */
    public static final int WINDOW = 1;

    /** 160 bits: RFC 4226 §4 recommends the HMAC-SHA1 output length. */
    private static final int SECRET_BYTES = 20;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000};
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new random secret in base32 (32 characters, no padding). */
    public static String generateSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return encodeBase32(secret);
    }

    /** Whether {@code code} is right for {@code now} or one step either side; false for any malformed input. */
    public static boolean verify(String secret, String code, Instant now) {
        return matchingStep(secret, code, now).isPresent();
    }

    /**
     * The time step (seconds since the epoch / 30) whose code {@code code} is, if it is within one
     * step of {@code now}; empty for a wrong or malformed code or secret.
     */
    public static OptionalLong matchingStep(String secret, String code, Instant now) {
        if (secret == null || code == null || now == null) {
            return OptionalLong.empty();
        }
        String digits = code.replace(" ", "");
        if (digits.length() != DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] key;
        try {
            key = decodeBase32(secret);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        if (key.length == 0) {
            return OptionalLong.empty();
        }
        long current = Math.floorDiv(now.getEpochSecond(), STEP_SECONDS);
        byte[] presented = digits.getBytes(StandardCharsets.US_ASCII);
        long found = -1;
        // Every candidate is computed and compared in constant time, so timing does not tell which one matched.
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            byte[] expected = code(key, step, DIGITS, "HmacSHA1").getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, presented) && found < 0) {
                found = step;
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * The {@code otpauth://} URI authenticator apps read from a QR code (Google Authenticator's
     * key-uri format).
     */
    public static String provisioningUri(String issuer, String account, String secret) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    /** RFC 4226 §5.3 HOTP over the RFC 6238 step counter; digits and algorithm vary for the RFC's test vectors. */
    static String code(byte[] key, long step, int digits, String hmacAlgorithm) {
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance(hmacAlgorithm);
            hmac.init(new SecretKeySpec(key, hmacAlgorithm));
            byte[] counter = new byte[8];
            for (int i = 7; i >= 0; i--) {
                counter[i] = (byte) step;
                step >>>= 8;
            }
            mac = hmac.doFinal(counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " is not available", e);
        }
        // RFC 4226 §5.3: dynamic truncation.
        int offset = mac[mac.length - 1] & 0x0f;
        int binary = ((mac[offset] & 0x7f) << 24) | ((mac[offset + 1] & 0xff) << 16)
                | ((mac[offset + 2] & 0xff) << 8) | (mac[offset + 3] & 0xff);
        String otp = Integer.toString(binary % POWERS_OF_TEN[digits]);
        return "0".repeat(digits - otp.length()) + otp;
    }

    /** RFC 4648 §6 base32, upper case, without padding. */
    public static String encodeBase32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >>> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 0x1f));
        }
        return out.toString();
    }

    /**
     * RFC 4648 §6 base32; case, spaces and trailing padding are forgiven, as apps show secrets in
     * groups and users retype them.
     *
     * @throws IllegalArgumentException for a character outside the alphabet
     */
    public static byte[] decodeBase32(String text) {
        String clean = text.replace(" ", "").toUpperCase(Locale.ROOT);
        int end = clean.length();
        while (end > 0 && clean.charAt(end - 1) == '=') {
            end--;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(end * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < end; i++) {
            int value = BASE32.indexOf(clean.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
