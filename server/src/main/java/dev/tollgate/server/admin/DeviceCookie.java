package dev.tollgate.server.admin;

import dev.tollgate.core.admin.DeviceTokens;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Optional;

/**
 * The known-device cookie, {@code tollgate_device}, set after every successful sign-in (console
 * form and admin API alike) and sent with the next one: it lets a correct password from a browser
 * that signed in as that admin before through while guesses from elsewhere hold the account's
 * limit (issue 11, point 5). The value is a {@link DeviceTokens} token, signed with the
 * installation's {@code device-cookie-key}. {@code HttpOnly}, {@code SameSite=Strict},
 * {@code Secure} on TLS and {@code Path=/}, like the session cookie; it outlives sessions and
 * logouts by design, for {@link DeviceTokens#LIFETIME}.
 */
public final class DeviceCookie {

    public static final String NAME = "tollgate_device";

    private DeviceCookie() {
    }

    /** The token the request carries, if any and plausibly ours; {@link DeviceTokens#verify} decides. */
    public static Optional<String> read(ServerRequest request) {
        List<String> values = SessionCookie.values(request, NAME);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String value = values.get(0);
        return !value.isEmpty() && value.length() <= DeviceTokens.MAX_LENGTH
                && value.chars().allMatch(DeviceCookie::isTokenChar) ? Optional.of(value) : Optional.empty();
    }

    /** Added beside the session cookie: {@code response.header} would replace that one. */
    public static void set(ServerResponse response, String token, boolean secure) {
        response.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, NAME + "=" + token
                + "; Path=/; Max-Age=" + DeviceTokens.LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "")));
    }

    /** base64url and the dot between payload and MAC. */
    private static boolean isTokenChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.';
    }
}
