package dev.tollgate.core.user;

import dev.tollgate.core.tenant.TenantId;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An entry of a tenant's user directory, the users API's resource. Validated when built
 * ({@link UserValidation}); {@code firstName} and {@code lastName} may be null.
 *
 * @param id the user's id within the directory: a UUID in its canonical lower-case form
 */
public record User(String id, TenantId tenantId, String username, String email, String firstName, String lastName,
                   Instant createdAt, Instant updatedAt) {

    public User {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (!isId(id)) {
            throw new IllegalArgumentException("user id must be a UUID in canonical lower-case form");
        }
        UserValidation check = UserValidation.of(username, email, firstName, lastName);
        if (!check.isValid()) {
            throw new IllegalArgumentException("invalid user: " + check.errors());
        }
    }

    /** A new user with a random id, created and updated {@code now}. */
    public static User create(TenantId tenant, String username, String email, String firstName, String lastName,
                              Instant now) {
        return new User(UUID.randomUUID().toString(), tenant, username, email, firstName, lastName, now, now);
    }

    /** The same user with new fields; id, tenant and creation time never change. */
    public User withFields(String newUsername, String newEmail, String newFirstName, String newLastName, Instant now) {
        return new User(id, tenantId, newUsername, newEmail, newFirstName, newLastName, createdAt, now);
    }

    /** True when {@code value} is a user id, so a path segment can be refused without an exception. */
    public static boolean isId(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(value).toString().equals(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
