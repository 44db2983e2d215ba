package dev.tollgate.server;

import dev.tollgate.core.store.AdminRepository;
import dev.tollgate.core.store.AdminSessionRepository;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.RevocationRepository;
import dev.tollgate.core.store.ScopeRepository;
import dev.tollgate.core.store.SigningKeyRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.store.UserRepository;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real store seen through a counter: every repository call is counted by name
 * ({@code clients.find}, {@code keys.list}, ...), and while the store is "down" every call fails
 * with a {@link StoreException} as an unreachable database would.
 */
final class CountingStore implements Store {

    private final Store delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final TenantRepository tenants;
    private final ScopeRepository scopes;
    private final ClientRepository clients;
    private final SigningKeyRepository keys;
    private final InstallationRepository installation;
    private final UserRepository users;
    private final RevocationRepository revocations;
    private final AdminRepository admins;
    private final AdminSessionRepository adminSessions;
    private final AuditRepository audit;
    private final dev.tollgate.core.store.TokenCountRepository tokenCounts;
    private final dev.tollgate.core.store.ReplayRepository replays;
    private volatile Supplier<? extends RuntimeException> failure;

    CountingStore(Store delegate) {
        this.delegate = delegate;
        this.tenants = counting(TenantRepository.class, "tenants", delegate.tenants());
        this.scopes = counting(ScopeRepository.class, "scopes", delegate.scopes());
        this.clients = counting(ClientRepository.class, "clients", delegate.clients());
        this.keys = counting(SigningKeyRepository.class, "keys", delegate.keys());
        this.installation = counting(InstallationRepository.class, "installation", delegate.installation());
        this.users = counting(UserRepository.class, "users", delegate.users());
        this.revocations = counting(RevocationRepository.class, "revocations", delegate.revocations());
        this.admins = counting(AdminRepository.class, "admins", delegate.admins());
        this.adminSessions = counting(AdminSessionRepository.class, "adminSessions", delegate.adminSessions());
        this.audit = counting(AuditRepository.class, "audit", delegate.audit());
        this.tokenCounts = counting(dev.tollgate.core.store.TokenCountRepository.class, "tokenCounts",
                delegate.tokenCounts());
        this.replays = counting(dev.tollgate.core.store.ReplayRepository.class, "replays", delegate.replays());
    }

    /** While down, every repository call and transaction throws {@link StoreException}. */
    void setDown(boolean isDown) {
        this.failure = isDown ? () -> new StoreException("store is down (test)") : null;
    }

    /** While set, every repository call and transaction throws what {@code failure} makes; null to stop. */
    void failWith(Supplier<? extends RuntimeException> failure) {
        this.failure = failure;
    }

    void resetCounts() {
        calls.clear();
    }

    /** Calls since the last reset, by repository and method. */
    Map<String, Integer> counts() {
        Map<String, Integer> snapshot = new TreeMap<>();
        calls.forEach((name, count) -> snapshot.put(name, count.get()));
        return snapshot;
    }

    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private <T> T counting(Class<T> type, String name, T target) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            calls.computeIfAbsent(name + "." + method.getName(), k -> new AtomicInteger()).incrementAndGet();
            failIfDown();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private void failIfDown() {
        Supplier<? extends RuntimeException> f = failure;
        if (f != null) {
            throw f.get();
        }
    }

    @Override
    public TenantRepository tenants() {
        return tenants;
    }

    @Override
    public ScopeRepository scopes() {
        return scopes;
    }

    @Override
    public ClientRepository clients() {
        return clients;
    }

    @Override
    public SigningKeyRepository keys() {
        return keys;
    }

    @Override
    public InstallationRepository installation() {
        return installation;
    }

    @Override
    public UserRepository users() {
        return users;
    }

    @Override
    public RevocationRepository revocations() {
        return revocations;
    }

    @Override
    public AdminRepository admins() {
        return admins;
    }

    @Override
    public AdminSessionRepository adminSessions() {
        return adminSessions;
    }

    @Override
    public AuditRepository audit() {
        return audit;
    }

    @Override
    public dev.tollgate.core.store.TokenCountRepository tokenCounts() {
        return tokenCounts;
    }

    @Override
    public dev.tollgate.core.store.ReplayRepository replays() {
        return replays;
    }

    @Override
    public dev.tollgate.core.store.FederationRepository federation() {
        return delegate.federation();
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        calls.computeIfAbsent("inTransaction", k -> new AtomicInteger()).incrementAndGet();
        failIfDown();
        return delegate.inTransaction(work);
    }

    @Override
    public String describe() {
        return "counting " + delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
