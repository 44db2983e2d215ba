package dev.tollgate.core.admin;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;
import dev.tollgate.core.user.UserValidation;

import java.time.Clock;
import java.util.Optional;

import static dev.tollgate.core.admin.Authorizer.authorize;

/**
 * The tenant's user directory, for the console's admins and the users API's programs alike: an
 * actor holding {@link Capability#MANAGE_USERS} (the users API grants it to a token with
 * {@code users:write}). Every change is audited.
 */
public final class UserOperations {

    private final Store store;
    private final AuditTrail audit;
    private final Clock clock;

    UserOperations(Store store, AuditTrail audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public Page<User> list(Actor actor, TenantId tenant, UserRepository.Filter filter, int offset, int limit) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        Paging.require(offset, limit);
        UserRepository.Filter f = filter == null ? UserRepository.Filter.ALL : filter;
        return new Page<>(store.users().list(tenant, f, offset, limit), offset, limit, store.users().count(tenant, f));
    }

    public User get(Actor actor, TenantId tenant, String userId) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        return find(tenant, userId);
    }

    /** Refused with every invalid field at once; a username taken is a {@link AdminFailure.Conflict}. */
    public User create(Actor actor, TenantId tenant, String username, String email, String firstName,
                       String lastName) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        requireValid(username, email, firstName, lastName);
        return store.inTransaction(() -> {
            if (store.tenants().find(tenant).isEmpty()) {
                throw new AdminFailure.NotFound("no tenant " + tenant);
            }
            User user = User.create(tenant, username, email, firstName, lastName, clock.instant());
            insertOrConflict(() -> store.users().insert(user));
            audit.user(actor, AuditAction.USER_CREATE, null, user);
            return user;
        });
    }

    /** Replaces every field (a merge patch is merged by the caller first). */
    public User replace(Actor actor, TenantId tenant, String userId, String username, String email,
                        String firstName, String lastName) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        requireValid(username, email, firstName, lastName);
        return store.inTransaction(() -> {
            User before = find(tenant, userId);
            User after = before.withFields(username, email, firstName, lastName, clock.instant());
            insertOrConflict(() -> {
                if (!store.users().update(after)) {
                    throw notFound(tenant, userId);
                }
            });
            audit.user(actor, AuditAction.USER_UPDATE, before, after);
            return after;
        });
    }

    public void delete(Actor actor, TenantId tenant, String userId) {
        authorize(actor, tenant, Capability.MANAGE_USERS);
        store.inTransaction(() -> {
            User before = find(tenant, userId);
            if (!store.users().delete(tenant, userId)) {
                throw notFound(tenant, userId);
            }
            audit.user(actor, AuditAction.USER_DELETE, before, null);
        });
    }

    private static void requireValid(String username, String email, String firstName, String lastName) {
        UserValidation check = UserValidation.of(username, email, firstName, lastName);
        if (!check.isValid()) {
            throw new AdminFailure.Invalid(check.errors());
        }
    }

    /** Usernames are unique per tenant; the store's constraint decides, so two at once can't both win. */
    private static void insertOrConflict(Runnable write) {
        try {
            write.run();
        } catch (DuplicateException e) {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.DUPLICATE, "username is taken");
        }
    }

    private User find(TenantId tenant, String userId) {
        // A malformed id names no user: the same answer as a missing one, or one of another tenant.
        return (User.isId(userId) ? store.users().find(tenant, userId) : Optional.<User>empty())
                .orElseThrow(() -> notFound(tenant, userId));
    }

    private static AdminFailure.NotFound notFound(TenantId tenant, String userId) {
        return new AdminFailure.NotFound("no user " + userId + " in tenant " + tenant);
    }
}
