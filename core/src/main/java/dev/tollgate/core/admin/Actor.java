package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.TenantId;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who is asking for an administrative operation, as the audit log names them: an admin with a
 * session, a program with a client-credentials token carrying admin scopes, or the operator's CLI.
 *
 * @param id      the admin's id, the client's id, or {@code cli}
 * @param name    the admin's username, the client's name, or {@code cli}
 * @param address the remote address of the request; null for the CLI
 */
public record Actor(TenantId tenant, Kind kind, String id, String name, Set<Capability> capabilities,
                    String address) {

    public enum Kind { ADMIN, CLIENT, CLI, SYSTEM }

    public Actor {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        capabilities = capabilities == null || capabilities.isEmpty() ? Set.of() : Set.copyOf(capabilities);
    }

    public static Actor admin(Admin admin, String address) {
        return new Actor(admin.tenantId(), Kind.ADMIN, admin.id(), admin.username(), admin.effectiveCapabilities(),
                address);
    }

    /** The operator at the command line holds every capability in the tenant it names. */
    public static Actor cli(TenantId tenant) {
        return new Actor(tenant, Kind.CLI, "cli", "cli", EnumSet.allOf(Capability.class), null);
    }

    /** Tollgate itself, acting at start (the default tenant created on an empty store). */
    public static Actor system(TenantId tenant) {
        return new Actor(tenant, Kind.SYSTEM, "tollgate", "tollgate", EnumSet.allOf(Capability.class), null);
    }

    public boolean may(Capability capability) {
        return capabilities.contains(capability);
    }

    /**
     * The rank of the tenant admin role: every capability. An additional admin holding them all
     * could make itself role admin (grants need only what the granter holds), so the two are one rank.
     */
    public boolean holdsEveryCapability() {
        return capabilities.containsAll(EnumSet.allOf(Capability.class));
    }
}
