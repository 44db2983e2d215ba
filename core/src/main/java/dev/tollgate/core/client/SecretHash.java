package dev.tollgate.core.client;

import java.util.Objects;

/**
 * A stored secret hash in the form {@code <algorithm>$<base64>}. The algorithm tag lets a later
 * version verify imported low-entropy secrets with a slow password hash beside the keyed hashes.
 */
public record SecretHash(String encoded) {

    public static final String HMAC_SHA256 = "hmac-sha256";

    public SecretHash {
        Objects.requireNonNull(encoded, "encoded");
        int dollar = encoded.indexOf('$');
        if (dollar <= 0 || dollar == encoded.length() - 1) {
            throw new IllegalArgumentException("secret hash must look like <algorithm>$<value>");
        }
    }

    public String algorithm() {
        return encoded.substring(0, encoded.indexOf('$'));
    }

    public String value() {
        return encoded.substring(encoded.indexOf('$') + 1);
    }

    @Override
    public String toString() {
        return algorithm() + "$****";
    }
}
