package dev.tollgate.core.store;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.RevokedToken;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link Store} made of maps, for testing the policy and the administration without a database.
 * Every method is synchronized on the store, which makes each call atomic; {@link #inTransaction}
 * just runs the work (nothing here fails half-way in the tests that use it). Counters let a test
 * prove that a request never reached the store.
 */
public final class InMemoryStore implements Store {

    private final Map<TenantId, Tenant> tenants = new TreeMap<>(Comparator.comparing(TenantId::value));
    private final Map<TenantId, TreeMap<ScopeName, ScopeDefinition>> scopes = new LinkedHashMap<>();
    private final Map<ClientId, ClientCredential> clients = new LinkedHashMap<>();
    private final Map<TenantId, List<SigningKey>> keys = new LinkedHashMap<>();
    private final Map<String, byte[]> installation = new LinkedHashMap<>();
    private final Map<List<String>, RevokedToken> revokedTokens = new LinkedHashMap<>();
    private final Map<List<String>, ClientTokenCutoff> cutoffs = new LinkedHashMap<>();

    /** Calls of {@code clients().find}. */
    public final AtomicInteger clientLookups = new AtomicInteger();
    /** Calls of {@code tenants().find}. */
    public final AtomicInteger tenantLookups = new AtomicInteger();
    /** While set, the token path's reads (tenant, client, key ring) fail as an unreachable database's do. */
    public volatile boolean unreachable;

    private void failWhenUnreachable() {
        if (unreachable) {
            throw new StoreException("connection refused (test)");
        }
    }

    private final TenantRepository tenantRepository = new TenantRepository() {
        @Override
        public void insert(Tenant tenant) {
            synchronized (InMemoryStore.this) {
                if (tenants.containsKey(tenant.id())) {
                    throw new DuplicateException("tenant " + tenant.id() + " exists", null);
                }
                tenants.put(tenant.id(), tenant);
            }
        }

        @Override
        public Optional<Tenant> find(TenantId id) {
            tenantLookups.incrementAndGet();
            failWhenUnreachable();
            synchronized (InMemoryStore.this) {
                return Optional.ofNullable(tenants.get(id));
            }
        }

        @Override
        public boolean lock(TenantId id) {
            // Every call is synchronized on the store: there is nothing to interleave with.
            return find(id).isPresent();
        }

        @Override
        public List<Tenant> list() {
            synchronized (InMemoryStore.this) {
                return List.copyOf(tenants.values());
            }
        }

        @Override
        public boolean update(Tenant tenant) {
            synchronized (InMemoryStore.this) {
                return tenants.replace(tenant.id(), tenant) != null;
            }
        }
    };

    private final ScopeRepository scopeRepository = new ScopeRepository() {
        @Override
        public void insert(TenantId tenant, ScopeDefinition scope) {
            synchronized (InMemoryStore.this) {
                TreeMap<ScopeName, ScopeDefinition> defined = scopes.computeIfAbsent(tenant, t -> new TreeMap<>());
                if (defined.containsKey(scope.name())) {
                    throw new DuplicateException("scope " + scope.name() + " exists in " + tenant, null);
                }
                defined.put(scope.name(), scope);
            }
        }

        @Override
        public Optional<ScopeDefinition> find(TenantId tenant, ScopeName name) {
            synchronized (InMemoryStore.this) {
                return Optional.ofNullable(scopes.getOrDefault(tenant, new TreeMap<>()).get(name));
            }
        }

        @Override
        public Optional<ScopeDefinition> findForUpdate(TenantId tenant, ScopeName name) {
            return find(tenant, name);
        }

        @Override
        public List<ScopeDefinition> list(TenantId tenant) {
            synchronized (InMemoryStore.this) {
                return List.copyOf(scopes.getOrDefault(tenant, new TreeMap<>()).values());
            }
        }

        @Override
        public boolean delete(TenantId tenant, ScopeName name) {
            synchronized (InMemoryStore.this) {
                return scopes.getOrDefault(tenant, new TreeMap<>()).remove(name) != null;
            }
        }
    };

    private final ClientRepository clientRepository = new ClientRepository() {
        @Override
        public void insert(ClientCredential client) {
            synchronized (InMemoryStore.this) {
                if (clients.containsKey(client.clientId())) {
                    throw new DuplicateException("client " + client.clientId() + " exists", null);
                }
                clients.put(client.clientId(), client);
            }
        }

        @Override
        public Optional<ClientCredential> find(TenantId tenant, ClientId id) {
            clientLookups.incrementAndGet();
            failWhenUnreachable();
            synchronized (InMemoryStore.this) {
                return Optional.ofNullable(clients.get(id)).filter(c -> c.tenantId().equals(tenant));
            }
        }

        @Override
        public List<ClientCredential> list(TenantId tenant) {
            synchronized (InMemoryStore.this) {
                return clients.values().stream()
                        .filter(c -> c.tenantId().equals(tenant))
                        .sorted(Comparator.comparing(ClientCredential::createdAt)
                                .thenComparing(c -> c.clientId().value()))
                        .toList();
            }
        }

        @Override
        public boolean update(ClientCredential client) {
            synchronized (InMemoryStore.this) {
                ClientCredential existing = clients.get(client.clientId());
                if (existing == null || !existing.tenantId().equals(client.tenantId())) {
                    return false;
                }
                clients.put(client.clientId(), client);
                return true;
            }
        }

        @Override
        public boolean delete(TenantId tenant, ClientId id) {
            synchronized (InMemoryStore.this) {
                ClientCredential existing = clients.get(id);
                if (existing == null || !existing.tenantId().equals(tenant)) {
                    return false;
                }
                clients.remove(id);
                return true;
            }
        }
    };

    private final SigningKeyRepository keyRepository = new SigningKeyRepository() {
        @Override
        public List<SigningKey> list(TenantId tenant) {
            failWhenUnreachable();
            synchronized (InMemoryStore.this) {
                return keys.getOrDefault(tenant, List.of()).stream()
                        .sorted(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid))
                        .toList();
            }
        }

        @Override
        public void insert(SigningKey key) {
            synchronized (InMemoryStore.this) {
                List<SigningKey> ring = keys.computeIfAbsent(key.tenantId(), t -> new ArrayList<>());
                if (ring.stream().anyMatch(k -> k.kid().equals(key.kid()))) {
                    throw new DuplicateException("key " + key.kid() + " exists", null);
                }
                ring.add(key);
            }
        }

        /** Like the JDBC store: every update and delete is guarded by the state the plan saw; all or nothing. */
        @Override
        public boolean apply(KeyRotation.Plan plan) {
            synchronized (InMemoryStore.this) {
                for (KeyRotation.Change change : plan.updates()) {
                    if (!hasKeyInState(change.key(), change.expectedState())) {
                        return false;
                    }
                }
                for (SigningKey delete : plan.deletes()) {
                    if (!hasKeyInState(delete, delete.state())) {
                        return false;
                    }
                }
                for (KeyRotation.Change change : plan.updates()) {
                    List<SigningKey> ring = keys.get(change.key().tenantId());
                    ring.replaceAll(k -> k.kid().equals(change.key().kid()) ? change.key() : k);
                }
                for (SigningKey insert : plan.inserts()) {
                    keys.computeIfAbsent(insert.tenantId(), t -> new ArrayList<>()).add(insert);
                }
                for (SigningKey delete : plan.deletes()) {
                    keys.get(delete.tenantId()).removeIf(k -> k.kid().equals(delete.kid()));
                }
                return true;
            }
        }

        private boolean hasKeyInState(SigningKey key, dev.tollgate.core.key.KeyState state) {
            return keys.getOrDefault(key.tenantId(), List.of()).stream()
                    .anyMatch(k -> k.kid().equals(key.kid()) && k.state() == state);
        }
    };

    private final UserRepository userRepository = new InMemoryUserRepository();

    // Admins and their sessions share this store's lock: deleting an admin ends its sessions in the
    // same atomic step, as ON DELETE CASCADE does in the database.
    private final InMemoryAdminRepository adminRepository = new InMemoryAdminRepository(this);
    private final InMemoryAdminSessionRepository adminSessionRepository =
            new InMemoryAdminSessionRepository(this, adminRepository);

    {
        adminRepository.cascadeTo(adminSessionRepository);
    }

    private final AuditRepository auditRepository = new InMemoryAuditRepository();
    private final TokenCountRepository tokenCountRepository = new InMemoryTokenCountRepository();

    private final InstallationRepository installationRepository = new InstallationRepository() {
        @Override
        public Optional<byte[]> find(String name) {
            synchronized (InMemoryStore.this) {
                return Optional.ofNullable(installation.get(name)).map(v -> Arrays.copyOf(v, v.length));
            }
        }

        @Override
        public byte[] putIfAbsent(String name, byte[] value) {
            synchronized (InMemoryStore.this) {
                byte[] stored = installation.putIfAbsent(name, Arrays.copyOf(value, value.length));
                byte[] winner = stored == null ? value : stored;
                return Arrays.copyOf(winner, winner.length);
            }
        }
    };

    private final RevocationRepository revocationRepository = new RevocationRepository() {
        @Override
        public void insert(RevokedToken token) {
            synchronized (InMemoryStore.this) {
                revokedTokens.putIfAbsent(List.of(token.tenant().value(), token.jti()), token);
            }
        }

        @Override
        public void upsert(ClientTokenCutoff cutoff) {
            synchronized (InMemoryStore.this) {
                cutoffs.merge(List.of(cutoff.tenant().value(), cutoff.client().value()), cutoff,
                        ClientTokenCutoff::laterOf);
            }
        }

        @Override
        public List<RevokedToken> listTokens(Instant now) {
            synchronized (InMemoryStore.this) {
                return revokedTokens.values().stream().filter(t -> t.expiresAt().isAfter(now)).toList();
            }
        }

        @Override
        public List<ClientTokenCutoff> listCutoffs(Instant now) {
            synchronized (InMemoryStore.this) {
                return cutoffs.values().stream().filter(c -> c.keepUntil().isAfter(now)).toList();
            }
        }

        @Override
        public int deleteExpired(Instant now) {
            synchronized (InMemoryStore.this) {
                int before = revokedTokens.size() + cutoffs.size();
                revokedTokens.values().removeIf(t -> !t.expiresAt().isAfter(now));
                cutoffs.values().removeIf(c -> !c.keepUntil().isAfter(now));
                return before - revokedTokens.size() - cutoffs.size();
            }
        }
    };

    @Override
    public TenantRepository tenants() {
        return tenantRepository;
    }

    @Override
    public ScopeRepository scopes() {
        return scopeRepository;
    }

    @Override
    public ClientRepository clients() {
        return clientRepository;
    }

    @Override
    public SigningKeyRepository keys() {
        return keyRepository;
    }

    @Override
    public InstallationRepository installation() {
        return installationRepository;
    }

    @Override
    public UserRepository users() {
        return userRepository;
    }

    @Override
    public RevocationRepository revocations() {
        return revocationRepository;
    }

    @Override
    public AdminRepository admins() {
        return adminRepository;
    }

    @Override
    public AdminSessionRepository adminSessions() {
        return adminSessionRepository;
    }

    @Override
    public AuditRepository audit() {
        return auditRepository;
    }

    @Override
    public TokenCountRepository tokenCounts() {
        return tokenCountRepository;
    }

    private final ReplayRepository replayRepository = new InMemoryReplayRepository();

    @Override
    public ReplayRepository replays() {
        return replayRepository;
    }

    private final FederationRepository federationRepository = new InMemoryFederationRepository();

    @Override
    public FederationRepository federation() {
        return federationRepository;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return work.get();
    }

    @Override
    public String describe() {
        return "in-memory maps";
    }

    @Override
    public void close() {
    }
}
