package dev.tollgate.store;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.store.FederationRepository;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;

import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Trusted issuers and client federation bindings in {@code trusted_issuers} and {@code client_federations} (V15). */
final class JdbcFederationRepository implements FederationRepository {

    private static final String ISSUER_COLUMNS = "issuer, jwks_uri, algorithms, audience, max_lifetime_seconds, created_at_ns";

    private final Database db;

    JdbcFederationRepository(Database db) {
        this.db = db;
    }

    @Override
    public List<TrustedIssuer> issuers(TenantId tenant) {
        return db.read("list trusted issuers of " + tenant, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + ISSUER_COLUMNS
                    + " FROM trusted_issuers WHERE tenant_id = ? ORDER BY created_at_ns, issuer")) {
                s.setString(1, tenant.value());
                List<TrustedIssuer> found = new ArrayList<>();
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        found.add(readIssuer(rows));
                    }
                }
                return found;
            }
        });
    }

    @Override
    public Optional<TrustedIssuer> issuer(TenantId tenant, String issuer) {
        return db.read("find trusted issuer", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + ISSUER_COLUMNS
                    + " FROM trusted_issuers WHERE tenant_id = ? AND issuer = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, issuer);
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(readIssuer(rows)) : Optional.<TrustedIssuer>empty();
                }
            }
        });
    }

    @Override
    public void insertIssuer(TenantId tenant, TrustedIssuer issuer) {
        db.write("insert trusted issuer", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO trusted_issuers (tenant_id, " + ISSUER_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, tenant.value());
                s.setString(2, issuer.issuer());
                Database.setNullableString(s, 3, issuer.jwksUri() == null ? null : issuer.jwksUri().toString());
                s.setString(4, issuer.algorithms().stream().map(JWSAlgorithm::getName).sorted()
                        .collect(Collectors.joining(" ")));
                Database.setNullableString(s, 5, issuer.audience());
                s.setLong(6, issuer.maxLifetime().toSeconds());
                Database.setInstant(s, 7, issuer.createdAt());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public boolean deleteIssuer(TenantId tenant, String issuer) {
        return db.write("delete trusted issuer", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM trusted_issuers WHERE tenant_id = ? AND issuer = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, issuer);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int clientsBoundTo(TenantId tenant, String issuer) {
        return db.read("count clients of a trusted issuer", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COUNT(*) FROM client_federations WHERE tenant_id = ? AND issuer = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, issuer);
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
        });
    }

    @Override
    public Optional<FederatedIdentity> identity(TenantId tenant, ClientId client) {
        return db.read("find federated identity of " + client, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT issuer, subject, claims FROM client_federations"
                    + " WHERE tenant_id = ? AND client_id = ?")) {
                s.setString(1, tenant.value());
                s.setString(2, client.value());
                try (ResultSet rows = s.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<FederatedIdentity>empty();
                    }
                    try {
                        return Optional.of(new FederatedIdentity(rows.getString("issuer"), rows.getString("subject"),
                                claims(rows.getString("claims"))));
                    } catch (IllegalArgumentException | ParseException e) {
                        throw new StoreException("federated identity of " + client + " is stored in a form this"
                                + " version can't read", e);
                    }
                }
            }
        });
    }

    @Override
    public void bind(TenantId tenant, ClientId client, FederatedIdentity identity) {
        db.atomically("bind " + client + " to a federated identity", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM client_federations WHERE client_id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO client_federations"
                         + " (client_id, tenant_id, issuer, subject, claims) VALUES (?, ?, ?, ?, ?)")) {
                delete.setString(1, client.value());
                delete.executeUpdate();
                insert.setString(1, client.value());
                insert.setString(2, tenant.value());
                insert.setString(3, identity.issuer());
                insert.setString(4, identity.subject());
                insert.setString(5, JSONObjectUtils.toJSONString(new LinkedHashMap<String, Object>(identity.claims())));
                return insert.executeUpdate();
            }
        });
    }

    private static Map<String, String> claims(String json) throws ParseException {
        Map<String, String> claims = new LinkedHashMap<>();
        JSONObjectUtils.parse(json).forEach((path, value) -> claims.put(path, String.valueOf(value)));
        return claims;
    }

    private static TrustedIssuer readIssuer(ResultSet rows) throws SQLException {
        String issuer = rows.getString("issuer");
        try {
            String jwksUri = rows.getString("jwks_uri");
            return new TrustedIssuer(issuer, jwksUri == null ? null : URI.create(jwksUri),
                    java.util.Arrays.stream(rows.getString("algorithms").split(" ")).filter(a -> !a.isEmpty())
                            .map(JWSAlgorithm::parse).collect(Collectors.toSet()),
                    rows.getString("audience"), Duration.ofSeconds(rows.getLong("max_lifetime_seconds")),
                    Database.getInstant(rows, "created_at_ns"));
        } catch (IllegalArgumentException e) {
            throw new StoreException("trusted issuer " + issuer + " is stored in a form this version can't read", e);
        }
    }
}
