package dev.tollgate.core.store;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;

import java.util.List;
import java.util.Optional;

/** The users API's directory. A user belongs to exactly one tenant; usernames are unique per tenant. */
public interface UserRepository {

    /**
     * Exact-match filters; null means any.
     *
     * @param username the username, compared exactly
     * @param email    the email, compared exactly
     */
    record Filter(String username, String email) {
        public static final Filter ALL = new Filter(null, null);
    }

    /** @throws DuplicateException when the tenant already has a user with this username (or this id) */
    void insert(User user);

    /** The user only if it belongs to {@code tenant}. */
    Optional<User> find(TenantId tenant, String id);

    /** Ordered by creation time, then id; {@code offset} and {@code limit} page through that order. */
    List<User> list(TenantId tenant, Filter filter, int offset, int limit);

    /** How many users {@link #list} would page through. */
    long count(TenantId tenant, Filter filter);

    /**
     * Replaces username, email, names and update time.
     *
     * @return false when no such user in that tenant
     * @throws DuplicateException when the new username is another user's in the tenant
     */
    boolean update(User user);

    boolean delete(TenantId tenant, String id);
}
