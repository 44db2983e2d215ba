package dev.tollgate.store;

import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.SecretHash;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Clients in {@code clients}, their secrets in {@code client_secrets}. Reads join the two, so
 * finding a client is one round trip.
 */
final class JdbcClientRepository implements ClientRepository {

    private static final String SELECT = "SELECT c.client_id, c.tenant_id, c.name, c.allowed_scopes, c.default_scopes,"
            + " c.audiences, c.authorities, c.token_ttl_seconds, c.auth_methods, c.enabled, c.introspection, c.builtin,"
            + " c.created_at_ns, c.updated_at_ns, c.jwks, c.jwks_uri,"
            + " c.tls_subject_field, c.tls_subject_value, c.tls_bound_tokens, c.dpop_bound_access_tokens,"
            + " s.secret_id, s.hash, s.created_at_ns AS secret_created_at_ns, s.expires_at_ns"
            + " FROM clients c LEFT JOIN client_secrets s ON s.client_id = c.client_id";

    private static final Comparator<ClientCredential> LIST_ORDER = Comparator
            .comparing(ClientCredential::createdAt)
            .thenComparing(client -> client.clientId().value());

    private final Database db;

    JdbcClientRepository(Database db) {
        this.db = db;
    }

    @Override
    public void insert(ClientCredential client) {
        long ttl = ttlSeconds(client);
        db.atomically("insert client " + client.clientId(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO clients (client_id, tenant_id, name,"
                    + " allowed_scopes, default_scopes, audiences, authorities, token_ttl_seconds, auth_methods,"
                    + " enabled, introspection, builtin, created_at_ns, updated_at_ns, jwks, jwks_uri,"
                    + " tls_subject_field, tls_subject_value, tls_bound_tokens, dpop_bound_access_tokens)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, client.clientId().value());
                s.setString(2, client.tenantId().value());
                bindFields(s, 3, client, ttl);
                s.executeUpdate();
            }
            insertSecrets(c, client);
            return null;
        });
    }

    @Override
    public Optional<ClientCredential> find(TenantId tenant, ClientId id) {
        return db.read("find client " + id, c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT
                    + " WHERE c.tenant_id = ? AND c.client_id = ? ORDER BY s.seq")) {
                s.setString(1, tenant.value());
                s.setString(2, id.value());
                try (ResultSet rows = s.executeQuery()) {
                    List<ClientCredential> clients = mapAll(rows);
                    return clients.isEmpty() ? Optional.<ClientCredential>empty() : Optional.of(clients.get(0));
                }
            }
        });
    }

    @Override
    public List<ClientCredential> list(TenantId tenant) {
        List<ClientCredential> clients = db.read("list clients of tenant " + tenant, c -> {
            // Ordered only to keep each client's rows together; the list order is set below.
            try (PreparedStatement s = c.prepareStatement(SELECT
                    + " WHERE c.tenant_id = ? ORDER BY c.client_id, s.seq")) {
                s.setString(1, tenant.value());
                try (ResultSet rows = s.executeQuery()) {
                    return mapAll(rows);
                }
            }
        });
        clients.sort(LIST_ORDER);
        return List.copyOf(clients);
    }

    @Override
    public boolean update(ClientCredential client) {
        long ttl = ttlSeconds(client);
        return db.atomically("update client " + client.clientId(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE clients SET name = ?, allowed_scopes = ?,"
                    + " default_scopes = ?, audiences = ?, authorities = ?, token_ttl_seconds = ?, auth_methods = ?,"
                    + " enabled = ?, introspection = ?, builtin = ?, created_at_ns = ?, updated_at_ns = ?,"
                    + " jwks = ?, jwks_uri = ?, tls_subject_field = ?, tls_subject_value = ?, tls_bound_tokens = ?,"
                    + " dpop_bound_access_tokens = ? WHERE tenant_id = ? AND client_id = ?")) {
                int next = bindFields(s, 1, client, ttl);
                s.setString(next, client.tenantId().value());
                s.setString(next + 1, client.clientId().value());
                if (s.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM client_secrets WHERE client_id = ?")) {
                s.setString(1, client.clientId().value());
                s.executeUpdate();
            }
            insertSecrets(c, client);
            return true;
        });
    }

    @Override
    public boolean delete(TenantId tenant, ClientId id) {
        // The secrets go with it (ON DELETE CASCADE).
        return db.write("delete client " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM clients WHERE tenant_id = ? AND client_id = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, id.value());
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Binds name through dpop_bound_access_tokens (18 parameters) from {@code first}; returns the next index. */
    private static int bindFields(PreparedStatement s, int first, ClientCredential client, long ttlSeconds)
            throws SQLException {
        int i = first;
        s.setString(i++, client.name());
        s.setString(i++, client.allowedScopes().toSpaceDelimited());
        s.setString(i++, client.defaultScopes().toSpaceDelimited());
        s.setString(i++, String.join(" ", client.audiences()));
        s.setString(i++, String.join(" ", client.authorities()));
        s.setLong(i++, ttlSeconds);
        s.setString(i++, EnumSet.copyOf(client.authMethods()).stream()
                .map(ClientAuthMethod::wireName).collect(Collectors.joining(" ")));
        s.setBoolean(i++, client.enabled());
        s.setBoolean(i++, client.introspection());
        if (client.builtin() == null) {
            s.setNull(i++, Types.VARCHAR);
        } else {
            s.setString(i++, client.builtin().name());
        }
        Database.setInstant(s, i++, client.createdAt());
        Database.setInstant(s, i++, client.updatedAt());
        Database.setNullableString(s, i++, client.keys().jwksJson());
        Database.setNullableString(s, i++, client.keys().jwksUri() == null ? null : client.keys().jwksUri().toString());
        ClientTls tls = client.tls();
        Database.setNullableString(s, i++, tls.hasSubject() ? tls.subjectField().name().toLowerCase(Locale.ROOT) : null);
        Database.setNullableString(s, i++, tls.subjectValue());
        s.setBoolean(i++, tls.boundTokens());
        s.setBoolean(i++, client.dpopBound());
        return i;
    }

    private static void insertSecrets(Connection c, ClientCredential client) throws SQLException {
        if (client.secrets().isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO client_secrets"
                + " (client_id, secret_id, seq, hash, created_at_ns, expires_at_ns) VALUES (?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (StoredSecret secret : client.secrets()) {
                s.setString(1, client.clientId().value());
                s.setString(2, secret.id());
                s.setInt(3, seq++);
                s.setString(4, secret.hash().encoded());
                Database.setInstant(s, 5, secret.createdAt());
                Database.setInstant(s, 6, secret.expiresAt());
                // One statement per secret rather than a batch: at most two, and a failure then
                // reports its own SQLState on both drivers.
                s.executeUpdate();
            }
        }
    }

    /** Whole seconds: ClientCredential refuses finer lifetimes, since a token's {@code exp} can't express them. */
    private static long ttlSeconds(ClientCredential client) {
        return client.tokenTtl().getSeconds();
    }

    /** Rows ordered so each client's come together, secrets in order; one client per run of rows. */
    private static List<ClientCredential> mapAll(ResultSet rows) throws SQLException {
        List<ClientCredential> clients = new ArrayList<>();
        String currentId = null;
        ResultRow head = null;
        List<StoredSecret> secrets = new ArrayList<>();
        while (rows.next()) {
            String id = rows.getString("client_id");
            if (!id.equals(currentId)) {
                if (head != null) {
                    clients.add(head.toClient(secrets));
                }
                currentId = id;
                head = ResultRow.read(rows);
                secrets = new ArrayList<>();
            }
            String secretId = rows.getString("secret_id");
            if (secretId != null) {
                secrets.add(readSecret(id, secretId, rows));
            }
        }
        if (head != null) {
            clients.add(head.toClient(secrets));
        }
        return clients;
    }

    private static StoredSecret readSecret(String clientId, String secretId, ResultSet rows) throws SQLException {
        try {
            return new StoredSecret(secretId, new SecretHash(rows.getString("hash")),
                    Database.getInstant(rows, "secret_created_at_ns"), Database.getInstant(rows, "expires_at_ns"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw unreadable(clientId, e);
        }
    }

    private static StoreException unreadable(String clientId, RuntimeException e) {
        return new StoreException("client " + clientId + " is stored in a form this version can't read", e);
    }

    /** A client row's columns, read before its secrets are known. */
    private record ResultRow(String clientId, String tenantId, String name, String allowedScopes, String defaultScopes,
                             String audiences, String authorities, long ttlSeconds, String authMethods, boolean enabled,
                             boolean introspection, String builtin, long createdAtNs, long updatedAtNs,
                             String jwks, String jwksUri, String tlsSubjectField, String tlsSubjectValue,
                             boolean tlsBoundTokens, boolean dpopBound) {

        static ResultRow read(ResultSet rows) throws SQLException {
            return new ResultRow(rows.getString("client_id"), rows.getString("tenant_id"), rows.getString("name"),
                    rows.getString("allowed_scopes"), rows.getString("default_scopes"), rows.getString("audiences"),
                    rows.getString("authorities"), rows.getLong("token_ttl_seconds"), rows.getString("auth_methods"),
                    rows.getBoolean("enabled"), rows.getBoolean("introspection"), rows.getString("builtin"), rows.getLong("created_at_ns"),
                    rows.getLong("updated_at_ns"), rows.getString("jwks"), rows.getString("jwks_uri"),
                    rows.getString("tls_subject_field"), rows.getString("tls_subject_value"),
                    rows.getBoolean("tls_bound_tokens"), rows.getBoolean("dpop_bound_access_tokens"));
        }

        ClientCredential toClient(List<StoredSecret> secrets) {
            try {
                return new ClientCredential(
                        TenantId.of(tenantId),
                        new ClientId(clientId),
                        name,
                        ScopeSet.parse(allowedScopes),
                        ScopeSet.parse(defaultScopes),
                        Database.spaceDelimited(audiences),
                        Database.spaceDelimited(authorities),
                        Duration.ofSeconds(ttlSeconds),
                        authMethods(authMethods),
                        enabled,
                        introspection,
                        builtin == null ? null : BuiltinClient.valueOf(builtin),
                        secrets,
                        ClientKeys.fromStoredJson(jwks, jwksUri),
                        new ClientTls(tlsSubjectField == null ? null
                                : ClientTls.SubjectField.valueOf(tlsSubjectField.toUpperCase(Locale.ROOT)),
                                tlsSubjectValue, tlsBoundTokens),
                        Database.instant(createdAtNs),
                        Database.instant(updatedAtNs),
                        dpopBound);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw unreadable(clientId, e);
            }
        }

        private static Set<ClientAuthMethod> authMethods(String spaceDelimited) {
            return Arrays.stream(spaceDelimited.split(" "))
                    .filter(name -> !name.isEmpty())
                    .map(ClientAuthMethod::fromWireName)
                    .collect(Collectors.toUnmodifiableSet());
        }
    }
}
