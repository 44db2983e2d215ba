package dev.tollgate.core.store;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link UserRepository} over a map, for {@link InMemoryStore}; every call is atomic. */
final class InMemoryUserRepository implements UserRepository {

    private final Map<String, User> users = new LinkedHashMap<>();

    @Override
    public synchronized void insert(User user) {
        if (users.containsKey(user.id()) || usernameTaken(user)) {
            throw new DuplicateException("user " + user.username() + " exists in " + user.tenantId(), null);
        }
        users.put(user.id(), user);
    }

    @Override
    public synchronized Optional<User> find(TenantId tenant, String id) {
        return Optional.ofNullable(users.get(id)).filter(u -> u.tenantId().equals(tenant));
    }

    @Override
    public synchronized List<User> list(TenantId tenant, Filter filter, int offset, int limit) {
        return matching(tenant, filter)
                .sorted(Comparator.comparing(User::createdAt).thenComparing(User::id))
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized long count(TenantId tenant, Filter filter) {
        return matching(tenant, filter).count();
    }

    @Override
    public synchronized boolean update(User user) {
        User existing = users.get(user.id());
        if (existing == null || !existing.tenantId().equals(user.tenantId())) {
            return false;
        }
        if (usernameTaken(user)) {
            throw new DuplicateException("user " + user.username() + " exists in " + user.tenantId(), null);
        }
        users.put(user.id(), new User(user.id(), user.tenantId(), user.username(), user.email(), user.firstName(),
                user.lastName(), existing.createdAt(), user.updatedAt()));
        return true;
    }

    @Override
    public synchronized boolean delete(TenantId tenant, String id) {
        User existing = users.get(id);
        if (existing == null || !existing.tenantId().equals(tenant)) {
            return false;
        }
        users.remove(id);
        return true;
    }

    private boolean usernameTaken(User user) {
        return users.values().stream().anyMatch(u -> u.tenantId().equals(user.tenantId())
                && u.username().equals(user.username()) && !u.id().equals(user.id()));
    }

    private Stream<User> matching(TenantId tenant, Filter filter) {
        return users.values().stream()
                .filter(u -> u.tenantId().equals(tenant))
                .filter(u -> filter.username() == null || filter.username().equals(u.username()))
                .filter(u -> filter.email() == null || filter.email().equals(u.email()));
    }
}
