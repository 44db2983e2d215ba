package dev.tollgate.core.scope;

/**
 * One scope token. RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}, so no
 * spaces, quotes or backslashes; the length cap keeps hostile scope strings cheap to refuse.
 */
public record ScopeName(String value) implements Comparable<ScopeName> {

    public static final int MAX_LENGTH = 128;

    public ScopeName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("scope must be 1-" + MAX_LENGTH
                    + " printable ASCII characters without space, '\"' or '\\'");
        }
    }

    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(ScopeName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
