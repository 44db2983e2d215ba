package dev.tollgate.core.admin;

import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static dev.tollgate.core.admin.Authorizer.authorize;
import static dev.tollgate.core.admin.Authorizer.requireGrantable;
import static dev.tollgate.core.admin.Authorizer.requireOutranks;

/**
 * A tenant's admins, for actors holding {@link Capability#MANAGE_ADMINS}. An admin's own account
 * (password, second factor, sessions) is {@link AdminAccounts}.
 *
 * <p>Changes of one tenant's admins run one after another, each holding the tenant's row lock: a
 * rule over all of them (at least one with role admin, usernames unique regardless of case) is
 * checked and then written, which two transactions under READ COMMITTED could otherwise both pass.
 * Admin changes are rare, so the wait costs nothing.
 */
public final class AdministratorOperations {

    private static final String LAST_ADMIN = "the tenant must keep at least one admin with role admin";

    private final Store store;
    private final PasswordHasher passwords;
    private final AuditTrail audit;
    private final Clock clock;

    AdministratorOperations(Store store, PasswordHasher passwords, AuditTrail audit, Clock clock) {
        this.store = store;
        this.passwords = passwords;
        this.audit = audit;
        this.clock = clock;
    }

    public List<Admin> list(Actor actor, TenantId tenant) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.admins().list(tenant);
    }

    public Admin get(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return find(tenant, adminId);
    }

    /** A new admin with a generated password, to be changed at first login. */
    public AdminAccounts.AdminWithPassword create(Actor actor, TenantId tenant, String username, AdminRole role,
                                                  Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        java.util.Map<String, String> problems = new java.util.LinkedHashMap<>();
        if (!Admin.isValidUsername(username)) {
            problems.put("username", "must be 1-64 characters: letters, digits, '.', '_', '@', '-'");
        }
        if (role == null) {
            problems.put("role", "is required");
        }
        if (!problems.isEmpty()) {
            throw new AdminFailure.Invalid(problems);
        }
        requireGrantable(actor, role, capabilities);
        String password = PasswordHasher.generatePassword();
        // Slow on purpose: hashed before the transaction, so no connection waits for it.
        String hash = passwords.hash(password.toCharArray());
        Admin created = store.inTransaction(() -> {
            lock(tenant);
            // Usernames differing only in case would share a login throttle and confuse people: one of them is enough.
            boolean taken = store.admins().list(tenant).stream()
                    .anyMatch(a -> a.username().equalsIgnoreCase(username));
            if (taken) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.DUPLICATE,
                        "admin " + username + " exists in tenant " + tenant);
            }
            Instant now = clock.instant();
            Admin admin = new Admin(UUID.randomUUID().toString(), tenant, username, role,
                    grantable(role, capabilities), hash, true, null, now, now);
            store.admins().insert(admin);
            audit.admin(actor, AuditAction.ADMIN_CREATE, null, admin);
            return admin;
        });
        return new AdminAccounts.AdminWithPassword(created, password);
    }

    /** Replaces role and capabilities. Refused when it would leave the tenant without an admin. */
    public Admin update(Actor actor, TenantId tenant, String adminId, AdminRole role, Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        if (role == null) {
            throw AdminFailure.Invalid.of("role", "is required");
        }
        requireGrantable(actor, role, capabilities);
        return store.inTransaction(() -> {
            lock(tenant);
            Admin before = find(tenant, adminId);
            requireOutranks(actor, before);
            if (before.role() == AdminRole.ADMIN && role != AdminRole.ADMIN && isLastAdmin(before)) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.LAST_ADMIN, LAST_ADMIN);
            }
            Admin after = before.withRole(role, grantable(role, capabilities), clock.instant());
            if (!store.admins().update(after)) {
                throw notFound(tenant, adminId);
            }
            audit.admin(actor, AuditAction.ADMIN_UPDATE, before, after);
            return after;
        });
    }

    /**
     * A merge patch: a null {@code role} or {@code capabilities} keeps the admin's current one. Read
     * and written in one transaction, so two patches of different fields both take effect.
     */
    public Admin patch(Actor actor, TenantId tenant, String adminId, AdminRole role, Set<Capability> capabilities) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.inTransaction(() -> {
            // update's transaction joins this one and takes the lock again, which it already holds.
            lock(tenant);
            Admin current = find(tenant, adminId);
            return update(actor, tenant, adminId, role == null ? current.role() : role,
                    capabilities == null ? current.capabilities() : capabilities);
        });
    }

    /** Ends the admin's sessions too. Refused for the last admin, and for oneself. */
    public void delete(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        store.inTransaction(() -> {
            lock(tenant);
            Admin before = find(tenant, adminId);
            requireOutranks(actor, before);
            if (isSelf(actor, adminId)) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "an admin cannot delete themself");
            }
            if (before.role() == AdminRole.ADMIN && isLastAdmin(before)) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.LAST_ADMIN, LAST_ADMIN);
            }
            store.adminSessions().deleteForAdmin(tenant, adminId);
            store.admins().delete(tenant, adminId);
            audit.admin(actor, AuditAction.ADMIN_DELETE, before, null);
        });
    }

    /**
     * Gives another admin a generated password, to be changed at their next login, and ends their
     * sessions: whoever knew or guessed the old one is out. Their second factor, if any, stays.
     * Their own password an admin changes from their account, with the current one
     * ({@link AdminAccounts#changePassword}).
     */
    public AdminAccounts.AdminWithPassword resetPassword(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        String password = PasswordHasher.generatePassword();
        // Slow on purpose: hashed before the transaction, so no connection waits for it.
        String hash = passwords.hash(password.toCharArray());
        Admin reset = store.inTransaction(() -> {
            Admin before = find(tenant, adminId);
            requireOutranks(actor, before);
            if (isSelf(actor, adminId)) {
                // A session alone must not replace its own admin's password: that asks for the current one.
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE,
                        "an admin changes their own password from their account, with the current one");
            }
            Admin after = before.withPassword(hash, true, clock.instant());
            if (!store.admins().update(after)) {
                throw notFound(tenant, adminId);
            }
            store.adminSessions().deleteForAdmin(tenant, adminId);
            audit.admin(actor, AuditAction.ADMIN_PASSWORD_RESET, before, after);
            return after;
        });
        return new AdminAccounts.AdminWithPassword(reset, password);
    }

    /**
     * Removes another admin's second factor, so they sign in with their password alone until they
     * enrol a new one. Their own they disable with their password ({@link AdminAccounts#disableTotp}).
     */
    public Admin resetTotp(Actor actor, TenantId tenant, String adminId) {
        authorize(actor, tenant, Capability.MANAGE_ADMINS);
        return store.inTransaction(() -> {
            Admin before = find(tenant, adminId);
            requireOutranks(actor, before);
            if (isSelf(actor, adminId)) {
                // A session alone must not strip its own admin's second factor: that asks for the password.
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE,
                        "an admin disables their own second factor from their account, with their password");
            }
            if (before.totpSecret() == null) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE,
                        "admin " + before.username() + " has no second factor");
            }
            Admin after = before.withTotpSecret(null, clock.instant());
            if (!store.admins().update(after)) {
                throw notFound(tenant, adminId);
            }
            audit.admin(actor, AuditAction.ADMIN_TOTP_RESET, before, after);
            return after;
        });
    }

    private static boolean isSelf(Actor actor, String adminId) {
        return actor.kind() == Actor.Kind.ADMIN && actor.id().equals(adminId);
    }

    private Admin find(TenantId tenant, String adminId) {
        return (adminId == null ? Optional.<Admin>empty() : store.admins().find(tenant, adminId))
                .orElseThrow(() -> notFound(tenant, adminId));
    }

    private static AdminFailure.NotFound notFound(TenantId tenant, String adminId) {
        return new AdminFailure.NotFound("no admin " + adminId + " in tenant " + tenant);
    }

    private void lock(TenantId tenant) {
        if (!store.tenants().lock(tenant)) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
    }

    private boolean isLastAdmin(Admin admin) {
        return store.admins().list(admin.tenantId()).stream()
                .noneMatch(a -> a.role() == AdminRole.ADMIN && !a.id().equals(admin.id()));
    }

    /** An admin holds everything by role, so granted capabilities are kept for additional admins only. */
    private static Set<Capability> grantable(AdminRole role, Set<Capability> capabilities) {
        return role == AdminRole.ADMIN || capabilities == null ? Set.of() : capabilities;
    }
}
