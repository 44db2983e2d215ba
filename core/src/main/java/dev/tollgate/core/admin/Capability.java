package dev.tollgate.core.admin;

import dev.tollgate.core.scope.ScopeName;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an additional admin may be granted. An admin (role {@link AdminRole#ADMIN}) holds all of
 * them. A client-credentials token carries a capability as the scope {@link #scope()}, so programs
 * reach the admin API through exactly the same checks as people.
 */
public enum Capability {
    MANAGE_CLIENT_CREDENTIALS,
    MANAGE_SCOPES,
    MANAGE_USERS,
    MANAGE_ADMINS,
    VIEW_AUDIT;

    private static final String SCOPE_PREFIX = "admin:";

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);
    private final ScopeName scope = new ScopeName(SCOPE_PREFIX + wireName);

    /** The name used in JSON, forms and the CLI, e.g. {@code manage_client_credentials}. */
    public String wireName() {
        return wireName;
    }

    /** The scope that grants this capability to a client token, e.g. {@code admin:manage_scopes}. */
    public ScopeName scope() {
        return scope;
    }

    public static Optional<Capability> fromWireName(String value) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(value)).findFirst();
    }

    public static Optional<Capability> fromScope(ScopeName value) {
        return Arrays.stream(values()).filter(c -> c.scope.equals(value)).findFirst();
    }
}
