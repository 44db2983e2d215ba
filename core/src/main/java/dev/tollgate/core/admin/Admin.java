package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A person who logs in to the console of one tenant.
 *
 * @param id                 a UUID in canonical lower-case form, unique across tenants
 * @param capabilities       what an additional admin was granted; ignored for {@link AdminRole#ADMIN}
 * @param passwordHash       {@link PasswordHasher}'s encoding; never the password
 * @param mustChangePassword set for generated passwords, so the first login forces a change
 * @param totpSecret         base32 RFC 6238 secret when a second factor is enrolled, else null
 */
public record Admin(String id, TenantId tenantId, String username, AdminRole role, Set<Capability> capabilities,
                    String passwordHash, boolean mustChangePassword, String totpSecret, Instant createdAt,
                    Instant updatedAt) {

    /** Letters, digits and {@code . _ @ -}: safe in every place a username is shown or logged. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    public Admin {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (!isValidUsername(username)) {
            throw new IllegalArgumentException("username must be 1-64 characters: letters, digits, '.', '_', '@', '-'");
        }
        capabilities = capabilities == null || capabilities.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    }

    public static boolean isValidUsername(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    /** What this admin may do: everything for an admin, the granted set for an additional admin. */
    public Set<Capability> effectiveCapabilities() {
        return role == AdminRole.ADMIN ? Set.copyOf(EnumSet.allOf(Capability.class)) : capabilities;
    }

    public Admin withPassword(String newHash, boolean mustChange, Instant now) {
        return new Admin(id, tenantId, username, role, capabilities, newHash, mustChange, totpSecret, createdAt, now);
    }

    public Admin withRole(AdminRole newRole, Set<Capability> newCapabilities, Instant now) {
        return new Admin(id, tenantId, username, newRole, newCapabilities, passwordHash, mustChangePassword,
                totpSecret, createdAt, now);
    }

    public Admin withTotpSecret(String newSecret, Instant now) {
        return new Admin(id, tenantId, username, role, capabilities, passwordHash, mustChangePassword, newSecret,
                createdAt, now);
    }
}
