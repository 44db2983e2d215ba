package dev.tollgate.core.dpop;

import dev.tollgate.core.tenant.TenantId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/**
 * Server-provided DPoP nonces (RFC 9449 §8 at the token endpoint, §9 at the APIs), without state:
 * a nonce is the number of the current period and a MAC of it and the tenant under an
 * installation-wide key, so every node sharing the store makes and accepts the same nonces and
 * nothing is written per request. A nonce is accepted during its period and the next one, so a
 * client that fetched one just before the period turned still gets through; it therefore lives
 * between one and two {@link #PERIOD}s, which bounds how far ahead a pre-made proof can be used.
 */
public final class DPoPNonces {

    /** How often the nonce changes. */
    public static final Duration PERIOD = Duration.ofMinutes(5);

    private static final int MAC_BYTES = 16;
    private static final int MAX_NONCE_LENGTH = 64;

    private final SecretKeySpec key;
    private final Clock clock;

    /** @param key at least 32 random bytes shared by every node (an installation key) */
    public DPoPNonces(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the nonce key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clock = clock;
    }

    /** The nonce to hand out now, in the {@code DPoP-Nonce} header. */
    public String current(TenantId tenant) {
        long period = period();
        return period + "." + mac(tenant, period);
    }

    /** Whether {@code nonce} is this tenant's nonce of this period or the previous one. */
    public boolean isValid(TenantId tenant, String nonce) {
        if (nonce == null || nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH) {
            return false;
        }
        int dot = nonce.indexOf('.');
        if (dot < 1 || dot > 19) {
            return false;
        }
        long period;
        try {
            period = Long.parseLong(nonce.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long now = period();
        if (period != now && period != now - 1) {
            return false;
        }
        byte[] presented = nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = mac(tenant, period).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, expected);
    }

    private long period() {
        return Math.floorDiv(clock.millis(), PERIOD.toMillis());
    }

    private String mac(TenantId tenant, long period) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((tenant.value() + '\n' + period).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
