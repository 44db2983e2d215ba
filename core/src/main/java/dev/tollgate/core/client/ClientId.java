package dev.tollgate.core.client;

import java.util.UUID;

/**
 * A client identifier. RFC 6749 Appendix A.1 allows any VSCHAR; we accept the narrower
 * {@code [A-Za-z0-9._~-]} so that an id never needs escaping in a URL, a log line or HTML,
 * and so that NUL, CR/LF and the like are refused before any lookup.
 */
public record ClientId(String value) {

    public static final int MAX_LENGTH = 128;

    public ClientId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("client id must be 1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ ~ -");
        }
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '~' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A new random id; 122 random bits, so ids can't be guessed or enumerated. */
    public static ClientId generate() {
        return new ClientId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
