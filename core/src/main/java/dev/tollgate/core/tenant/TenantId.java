package dev.tollgate.core.tenant;


/**
 * A tenant's identifier, the reference documents' {@code customer} (e.g. {@code 10001}).
 * It appears in URL paths and in the {@code customer_id} claim, so it is restricted to
 * characters that need no escaping anywhere.
 */
public record TenantId(String value) {

    public TenantId {
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "tenant id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', starting with a letter or digit");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    /** True when {@code value} could name a tenant; lets request parsers refuse garbage without an exception. */
    public static boolean isValid(String value) {
        // By hand rather than through SHAPE: every token request's path is checked with it.
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '_' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
