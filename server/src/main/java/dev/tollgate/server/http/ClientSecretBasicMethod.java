package dev.tollgate.server.http;

import com.nimbusds.jose.util.Base64;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.util.StringUtils;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.token.PresentedCredentials;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * RFC 6749 §2.3.1 {@code client_secret_basic}. Any {@code Authorization} header counts as an attempt
 * at it: another scheme is a failed authentication, not no authentication.
 *
 * <p>The header is decoded once, by the rules of Nimbus's {@code ClientSecretBasic.parse} (one
 * whitespace between scheme and value, Nimbus's lenient Base64, split at the first colon, each half
 * form-URL-decoded as UTF-8, a blank id refused), except that the id is kept as sent: Nimbus trims
 * client ids ({@code Identifier} calls {@code String.trim()}), so {@code id%00} or {@code id%0D%0A}
 * would authenticate as {@code id}, while here such an id is no client at all.
 */
final class ClientSecretBasicMethod implements ClientAuthenticationMethod {

    /** What {@code String.split("\\s")} compiles on every call, compiled once. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    /** Any {@code Authorization} header: another scheme is a failed authentication, not none. */
    @Override
    public boolean isUsedBy(String authorization, FormParameters params) {
        return authorization != null;
    }

    @Override
    public PresentedCredentials read(String authorization, FormParameters params) throws HttpFailure {
        try {
            String[] parts = WHITESPACE.split(authorization);
            if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
                throw malformed();
            }
            String decoded = new String(decode(parts[1]), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw malformed();
            }
            String clientId = formDecode(decoded.substring(0, colon));
            String secret = formDecode(decoded.substring(colon + 1));
            if (StringUtils.isBlank(clientId)) {
                throw malformed();
            }
            return new PresentedCredentials(clientId, secret, ClientAuthMethod.CLIENT_SECRET_BASIC);
        } catch (RuntimeException e) {
            throw malformed();
        }
    }

    /**
     * The JDK's strict decoder where it accepts the value (what clients send), Nimbus's lenient one
     * where it does not: both give the same bytes for strict Base64, and Nimbus's decodes a
     * character at a time, a visible share of a token's CPU.
     */
    private static byte[] decode(String value) {
        try {
            return java.util.Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException notStrict) {
            return new Base64(value).decode();
        }
    }

    /** URLDecoder allocates a builder for every value, and ids and secrets rarely carry an escape. */
    private static String formDecode(String value) {
        return value.indexOf('%') < 0 && value.indexOf('+') < 0 ? value : URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static HttpFailure malformed() {
        return new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "malformed HTTP Basic authorization", 401);
    }

    @Override
    public String description() {
        return "HTTP Basic";
    }
}
