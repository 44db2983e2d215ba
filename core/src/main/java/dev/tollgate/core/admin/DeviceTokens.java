package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.TenantId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed tokens that say "this browser signed in as this admin before" (the console's
 * {@code tollgate_device} cookie). A correct password from a known device is not held back by the
 * per-account login limit, so guessing at a predictable username ({@code admin}) from elsewhere
 * cannot lock its admin out (issue 11, point 5); the device has a failure limit of its own, so a
 * stolen token buys no more guesses than the account limit gives anyone.
 *
 * <p>A token is {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))} with payload
 * {@code v1|tenant|admin id|device id|expiry epoch seconds}. The key is installation-wide (in the
 * store, shared by every node), so a token from one node is good at all. A token grants nothing by
 * itself: it only changes which limit applies to a sign-in that still needs the password (and the
 * second factor).
 *
 * <pre>{@code
 * DeviceTokens devices = new DeviceTokens(key, clock);
 * String cookie = devices.issue(admin.tenantId(), admin.id(), null);      // after a successful sign-in
 * Optional<DeviceTokens.Device> known = devices.verify(cookieFromRequest);  // at the next sign-in
 * }</pre>
 */
public final class DeviceTokens {

    /** How long a device is remembered after its last sign-in. */
    public static final Duration LIFETIME = Duration.ofDays(365);
    /** Longer than any token we issue: refused before the HMAC. */
    public static final int MAX_LENGTH = 512;
    private static final String VERSION = "v1";
    private static final int DEVICE_ID_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A verified device: the admin it signed in as, and its own random id. */
    public record Device(TenantId tenant, String adminId, String deviceId) {
    }

    private final SecretKeySpec key;
    private final Clock clock;

    /** @param key at least 32 random bytes, kept by the installation */
    public DeviceTokens(byte[] key, Clock clock) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new IllegalArgumentException("key: must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A key for an installation without one (tests, a store that keeps none). */
    public static byte[] newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * A token for the admin, valid for {@link #LIFETIME} from now.
     *
     * @param previous the device the request already carried, if verified and the same admin's: its id is
     *                 kept, so one browser stays one device (and one failure count)
     */
    public String issue(TenantId tenant, String adminId, Device previous) {
        String deviceId = previous != null && previous.tenant().equals(tenant) && previous.adminId().equals(adminId)
                ? previous.deviceId() : newDeviceId();
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        String payload = String.join("|", VERSION, tenant.value(), adminId, deviceId, Long.toString(expiry));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(bytes) + "." + B64.encodeToString(mac(bytes));
    }

    /** The device a token names, when we signed it and it has not expired; anything else is empty. */
    public Optional<Device> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] presented;
        try {
            payload = B64D.decode(token.substring(0, dot));
            presented = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Constant time, so the answer's timing does not walk a forger towards a valid MAC.
        if (!MessageDigest.isEqual(mac(payload), presented)) {
            return Optional.empty();
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0]) || !TenantId.isValid(parts[1])) {
            return Optional.empty();
        }
        long expiry;
        try {
            expiry = Long.parseLong(parts[4]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(Instant.ofEpochSecond(expiry))) {
            return Optional.empty();
        }
        return Optional.of(new Device(TenantId.of(parts[1]), parts[2], parts[3]));
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            // Domain separation: this key signs nothing else, but say what is signed anyway.
            mac.update("tollgate-device|".getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String newDeviceId() {
        byte[] id = new byte[DEVICE_ID_BYTES];
        RANDOM.nextBytes(id);
        return B64.encodeToString(id);
    }
}
