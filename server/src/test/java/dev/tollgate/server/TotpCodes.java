package dev.tollgate.server;

import dev.tollgate.core.admin.Totp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 codes (HMAC-SHA1, 30 s steps, 6 digits, RFC 4226's dynamic truncation) for tests that sign
 * in with a second factor, written out here rather than borrowed from the code under test.
 */
public final class TotpCodes {

    private TotpCodes() {
    }

    /** The code for a base32 secret as an authenticator app shows it at {@code at}. */
    public static String at(String base32Secret, Instant at) {
        return at(Totp.decodeBase32(base32Secret), at);
    }

    public static String at(byte[] key, Instant at) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(at.getEpochSecond() / 30).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
