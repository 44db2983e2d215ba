package dev.tollgate.server.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Whether a browser's {@code Origin} header names this server: same scheme, host and port (RFC 6454
 * §5), with the default port of the scheme filled in on either side. The host and port come from
 * the request's {@code Host} header, the scheme from whether browsers reach us over HTTPS.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * @param origin the {@code Origin} header's value ({@code "null"} is never this origin)
     * @param host   the {@code Host} header's value, or null
     * @param https  whether browsers reach this server over HTTPS (own TLS, or a proxy that terminates it)
     */
    public static boolean matches(String origin, String host, boolean https) {
        if (origin == null || host == null) {
            return false;
        }
        try {
            URI from = new URI(origin.strip());
            URI self = new URI((https ? "https" : "http") + "://" + host.strip());
            return from.getScheme() != null && from.getHost() != null && self.getHost() != null
                    && from.getRawPath().isEmpty() && from.getRawQuery() == null && from.getRawUserInfo() == null
                    && from.getScheme().toLowerCase(Locale.ROOT).equals(self.getScheme())
                    && from.getHost().equalsIgnoreCase(self.getHost())
                    && port(from) == port(self);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
