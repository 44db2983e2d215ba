package dev.tollgate.core.tenant;

import java.util.regex.Pattern;

/**
 * A tenant's identifier, the reference documents' {@code customer} (e.g. {@code 10001}).
 * It appears in URL paths and in the {@code customer_id} claim, so it is restricted to
 * characters that need no escaping anywhere.
 */
public record TenantId(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public TenantId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "tenant id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', starting with a letter or digit");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    /** True when {@code value} could name a tenant; lets request parsers refuse garbage without an exception. */
    public static boolean isValid(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
