package dev.tollgate.core.client;

import java.util.Locale;

/** How a client proves its identity at the token endpoint (RFC 8414 / RFC 7591 names). */
public enum ClientAuthMethod {
    /** RFC 6749 §2.3.1 HTTP Basic. */
    CLIENT_SECRET_BASIC,
    /** RFC 6749 §2.3.1 form body parameters. */
    CLIENT_SECRET_POST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClientAuthMethod fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
