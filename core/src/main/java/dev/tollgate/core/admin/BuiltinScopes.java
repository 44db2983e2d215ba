package dev.tollgate.core.admin;

import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;

import java.util.Arrays;
import java.util.List;

/** The scopes every tenant defines, which cannot be deleted. */
public final class BuiltinScopes {

    /** The built-in users API's scopes. */
    public static final List<ScopeDefinition> USERS_API = List.of(
            new ScopeDefinition(new ScopeName("users:read"), "Read the tenant's user directory"),
            new ScopeDefinition(new ScopeName("users:write"), "Create, change and delete users"));

    /**
     * The admin API's scopes, one per {@link Capability} (a migration adds the same to tenants
     * created before). No client holds them until an admin grants them.
     */
    public static final List<ScopeDefinition> ADMIN_API = Arrays.stream(Capability.values())
            .map(c -> new ScopeDefinition(c.scope(), describe(c)))
            .toList();

    private BuiltinScopes() {
    }

    public static boolean contains(ScopeName scope) {
        return USERS_API.stream().anyMatch(s -> s.name().equals(scope)) || Capability.fromScope(scope).isPresent();
    }

    private static String describe(Capability capability) {
        return switch (capability) {
            case MANAGE_CLIENT_CREDENTIALS -> "Admin API: manage client credentials";
            case MANAGE_SCOPES -> "Admin API: define and delete scopes";
            case MANAGE_USERS -> "Admin API: manage the user directory";
            case MANAGE_ADMINS -> "Admin API: manage admins and their capabilities";
            case VIEW_AUDIT -> "Admin API: read the audit log";
        };
    }
}
