package dev.tollgate.server.console;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.server.admin.SessionCookie;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A value a change makes and the browser must see exactly once (a new client secret, a generated
 * password), carried from the POST that made it to the GET page its redirect leads to
 * (post/redirect/get), so that reloading the page never repeats the change.
 *
 * <p>The value travels in a cookie, not in server memory: the GET may reach another node behind
 * the load balancer, and the value must never be written to the store (Tollgate keeps only hashes
 * of secrets). The cookie is sealed with AES-256-GCM under a key derived from the session id,
 * which only the browser holds (the store keeps its SHA-256), so it opens only for the session
 * that made it, only on the page it names ({@code Path}, and the path is the GCM associated data),
 * and only for {@link #LIFETIME}. The GET that opens it clears it, so a reload finds nothing; this
 * node also remembers it as spent, so a copy of the cookie sent again finds nothing either.
 * {@code HttpOnly} and {@code SameSite=Strict}, like the session cookie.
 */
final class ShownOnce {

    static final String COOKIE = "tollgate_once";
    /** Enough for the redirect to be followed; past it the value is gone even if the cookie is not. */
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private static final byte[] KEY_LABEL = "tollgate console shown-once v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** A sealed value is a few hundred bytes; anything far larger was not made here. */
    private static final int MAX_COOKIE_CHARS = 2048;
    private static final String EXPIRES = "exp";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final boolean secure;
    /** Nonces of values already shown, until they expire anyway: a replayed cookie opens nothing on this node. */
    private final Map<String, Instant> spent = new ConcurrentHashMap<>();

    ShownOnce(Clock clock, boolean secure) {
        this.clock = clock;
        this.secure = secure;
    }

    /** Seals {@code fields} for the page at {@code path}, for this session only, in a cookie on {@code response}. */
    void hand(ServerResponse response, String sessionId, String path, Map<String, String> fields) {
        Map<String, Object> payload = new LinkedHashMap<>(fields);
        payload.put(EXPIRES, clock.instant().plus(LIFETIME).getEpochSecond());
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, sessionId, nonce, path);
            sealed = cipher.doFinal(JSONObjectUtils.toJSONString(payload).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
        byte[] value = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
        System.arraycopy(sealed, 0, value, NONCE_BYTES, sealed.length);
        response.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, COOKIE + "="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(value) + "; Path=" + path + "; Max-Age="
                + LIFETIME.toSeconds() + attributes()));
    }

    /**
     * The fields sealed for this page and session, the first time they are asked for; empty on a
     * reload, for another session, another page, a spent or expired value, or none at all. The
     * cookie is cleared whenever one came.
     */
    Optional<Map<String, String>> take(ServerRequest request, ServerResponse response, String sessionId,
                                       String path) {
        List<String> values = cookies(request);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        response.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, COOKIE + "=; Path=" + path
                + "; Max-Age=0" + attributes()));
        Instant now = clock.instant();
        spent.values().removeIf(expires -> expires.isBefore(now));
        for (String value : values) {
            Optional<Map<String, String>> opened = open(value, sessionId, path, now);
            if (opened.isPresent()) {
                return opened;
            }
        }
        return Optional.empty();
    }

    private Optional<Map<String, String>> open(String value, String sessionId, String path, Instant now) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length <= NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOf(raw, NONCE_BYTES);
        Map<String, Object> payload;
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, sessionId, nonce, path);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            payload = JSONObjectUtils.parse(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | java.text.ParseException e) {
            // Another session's, another page's, or not ours at all: the tag does not verify.
            return Optional.empty();
        }
        if (!(payload.get(EXPIRES) instanceof Number seconds)) {
            return Optional.empty();
        }
        Instant expires = Instant.ofEpochSecond(seconds.longValue());
        if (!now.isBefore(expires)
                || spent.putIfAbsent(Base64.getUrlEncoder().encodeToString(nonce), expires) != null) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        payload.forEach((name, field) -> {
            if (!name.equals(EXPIRES) && field instanceof String text) {
                fields.put(name, text);
            }
        });
        return Optional.of(fields);
    }

    private static Cipher cipher(int mode, String sessionId, byte[] nonce, String path)
            throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(sessionId.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(mac.doFinal(KEY_LABEL), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(path.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private String attributes() {
        return "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Every value of our cookie the request carries (one per matching path, in principle). */
    private static List<String> cookies(ServerRequest request) {
        return SessionCookie.values(request, COOKIE).stream()
                .filter(value -> !value.isEmpty() && value.length() <= MAX_COOKIE_CHARS)
                .toList();
    }
}
