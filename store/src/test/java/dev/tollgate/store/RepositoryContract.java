package dev.tollgate.store;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.PasswordHasher;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.AdminRepository;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.ScopeRepository;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeoutException;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.AdminSession;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientSecret;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.RevokedToken;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.FailureCountRepository;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.ReplayRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.user.User;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

/**
 * What every store must do, whatever the database. A subclass supplies the configuration of an
 * empty database that lives as long as the test class; every test starts on an open store with
 * empty tables.
 */
public abstract class RepositoryContract {

    /** Nanosecond precision on purpose: the store must give back exactly what it was given. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");
    protected static final TenantId A = TenantId.of("tenant-a");
    protected static final TenantId B = TenantId.of("tenant-b");

    private static final SecretHasher HASHER = new SecretHasher(new byte[32]);
    private static final List<String> TABLES =
            List.of("client_federations", "trusted_issuers", "client_secrets", "clients", "scopes", "signing_keys", "installation", "users", "revoked_tokens",
                    "client_token_cutoffs", "admin_sessions", "admins", "audit_events", "token_counts", "seen_jtis", "tenants");

    protected Store store;

    /** An empty database, the same one for every test of the class. */
    protected abstract StoreConfig config();

    @BeforeEach
    void openEmptyStore() throws SQLException {
        store = JdbcStore.open(config(), TestKek.SHARED);
        try (Connection c = ((JdbcStore) store).dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.executeUpdate("DELETE FROM " + table);
            }
        }
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- tenants

    @Test
    void tenantWhenStoredAndReadThenEveryFieldRoundTrips() {
        Tenant custom = new Tenant(A, "Acme Payments", new TenantSettings(SigningAlgorithm.RS256, true,
                "https://api.acme.example", List.of("ROLE_READER", "ROLE_WRITER"), List.of("urn:orders")), T0);
        Tenant defaults = new Tenant(B, null, TenantSettings.DEFAULTS, T0.plusNanos(1));

        store.tenants().insert(custom);
        store.tenants().insert(defaults);

        assertThat(store.tenants().find(A)).contains(custom);
        assertThat(store.tenants().find(B)).contains(defaults);
        assertThat(store.tenants().find(B).orElseThrow().settings().defaultAudience()).isNull();
        assertThat(store.tenants().find(A).orElseThrow().settings().allowedAuthorities())
                .containsExactly("ROLE_READER", "ROLE_WRITER");
        assertThat(store.tenants().find(B).orElseThrow().settings().allowedAudiences()).isEmpty();
    }

    /** A CA certificate as a tenant's tls_client_auth bundle holds it (parsed, never used to validate here). */
    private static final String CONTRACT_CA = "-----BEGIN CERTIFICATE-----" + "\n"
            + "MIIBgzCCASmgAwIBAgIUDHkNo1OYK5yFxMKOfZQw4iU8H3cwCgYIKoZIzj0EAwIw" + "\n"
            + "FjEUMBIGA1UEAwwLQ29udHJhY3QgQ0EwIBcNMjYxMjAzMjAyMDA4WhgPMjEyNjEx" + "\n"
            + "MDkyMDIwMDhaMBYxFDASBgNVBAMMC0NvbnRyYWN0IENBMFkwEwYHKoZIzj0CAQYI" + "\n"
            + "KoZIzj0DAQcDQgAEdyoKSv5spqDX6QcHO6vU3UNHxKtf5r/Kia4T0MkJKmX1UPCv" + "\n"
            + "4uUEpFtobT0mag6ozmMauaMeIL7dk+x/hv++U6NTMFEwHQYDVR0OBBYEFOweQpnw" + "\n"
            + "phvy1r8FQU2sHFwNWM+zMB8GA1UdIwQYMBaAFOweQpnwphvy1r8FQU2sHFwNWM+z" + "\n"
            + "MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAP2ODI8s3hbXBGgy" + "\n"
            + "/M74Mk4/62xJK8Twyo3HyNSGba+AAiBln+wJLz2UGtRJUIsPZzUbgmfGOYPh62Hd" + "\n"
            + "ITLP6uWv/g==" + "\n"
            + "-----END CERTIFICATE-----";

    @Test
    void tenantWhenClientCaBundleStoredThenItRoundTripsAndAnUpdateRemovesIt() {
        TenantSettings withCas = TenantSettings.DEFAULTS.withClientCas(ClientCertificateAuthorities.of(CONTRACT_CA));
        Tenant tenant = new Tenant(A, "mTLS", withCas, T0);

        store.tenants().insert(tenant);

        assertThat(store.tenants().find(A)).contains(tenant);
        assertThat(store.tenants().find(A).orElseThrow().settings().clientCas().certificates()).hasSize(1);
        assertThat(store.tenants().update(tenant.withSettings(withCas.withClientCas(ClientCertificateAuthorities.NONE))))
                .isTrue();
        assertThat(store.tenants().find(A).orElseThrow().settings().clientCas().isEmpty()).isTrue();
    }

    @Test
    void tenantWhenKeyRotationIntervalSetOrOffThenItRoundTrips() {
        Tenant weekly = new Tenant(A, "A", TenantSettings.DEFAULTS.withKeyRotationInterval(Duration.ofDays(7)), T0);
        Tenant manual = new Tenant(B, "B", TenantSettings.DEFAULTS.withKeyRotationInterval(null), T0);
        store.tenants().insert(weekly);
        store.tenants().insert(manual);

        assertThat(store.tenants().find(A).orElseThrow().settings().keyRotationInterval()).isEqualTo(Duration.ofDays(7));
        assertThat(store.tenants().find(B).orElseThrow().settings().keyRotationInterval()).isNull();

        store.tenants().update(new Tenant(A, "A", weekly.settings().withKeyRotationInterval(null), T0));
        store.tenants().update(new Tenant(B, "B", manual.settings().withKeyRotationInterval(Duration.ofHours(1)), T0));

        assertThat(store.tenants().find(A).orElseThrow().settings().keyRotationInterval()).isNull();
        assertThat(store.tenants().find(B).orElseThrow().settings().keyRotationInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void dpopSettingsWhenStoredUpdatedAndReadThenTheyRoundTrip() {
        // V13: a client's dpop_bound_access_tokens and a tenant's dpop_nonces (RFC 9449 §5.2, §8).
        store.tenants().insert(new Tenant(A, null, TenantSettings.DEFAULTS.withDpopNonces(true), T0));
        insertTenant(B);
        ClientCredential bound = client(A, "dpop-client", T0, List.of()).withDpopBound(true, T0);

        store.clients().insert(bound);

        assertThat(store.tenants().find(A).orElseThrow().settings().dpopNonces()).isTrue();
        assertThat(store.tenants().find(B).orElseThrow().settings().dpopNonces()).isFalse();
        assertThat(store.clients().find(A, bound.clientId()).orElseThrow().dpopBound()).isTrue();
        store.clients().update(bound.withDpopBound(false, T0.plusSeconds(1)));
        store.tenants().update(store.tenants().find(A).orElseThrow().withSettings(TenantSettings.DEFAULTS));
        assertThat(store.clients().find(A, bound.clientId()).orElseThrow().dpopBound()).isFalse();
        assertThat(store.tenants().find(A).orElseThrow().settings().dpopNonces()).isFalse();
    }

    @Test
    void tenantFindWhenMissingThenEmpty() {
        assertThat(store.tenants().find(A)).isEmpty();
    }

    @Test
    void tenantListWhenSeveralThenOrderedByIdInCodePointOrder() {
        for (String id : List.of("b", "a-2", "B", "a", "10001", "Z")) {
            insertTenant(TenantId.of(id));
        }

        assertThat(store.tenants().list()).extracting(t -> t.id().value())
                .containsExactly("10001", "B", "Z", "a", "a-2", "b");
    }

    @Test
    void tenantUpdateWhenCalledThenNameAndSettingsReplacedButNotCreationTime() {
        Tenant original = insertTenant(A);
        Tenant changed = new Tenant(A, "Renamed", new TenantSettings(SigningAlgorithm.EdDSA, true, "aud",
                List.of("ROLE_X"), List.of("urn:a", "urn:b")), T0.plusSeconds(99));

        assertThat(store.tenants().update(changed)).isTrue();

        assertThat(store.tenants().find(A)).contains(
                new Tenant(A, "Renamed", changed.settings(), original.createdAt()));
    }

    @Test
    void tenantUpdateWhenDefaultAudienceNullThenCleared() {
        store.tenants().insert(new Tenant(A, "A", TenantSettings.DEFAULTS.withDefaultAudience("aud"), T0));

        store.tenants().update(new Tenant(A, "A", TenantSettings.DEFAULTS, T0));

        assertThat(store.tenants().find(A).orElseThrow().settings().defaultAudience()).isNull();
    }

    @Test
    void tenantUpdateWhenMissingThenFalse() {
        assertThat(store.tenants().update(tenant(A))).isFalse();
        assertThat(store.tenants().list()).isEmpty();
    }

    @Test
    void tenantInsertWhenIdTakenThenDuplicate() {
        insertTenant(A);

        assertThatThrownBy(() -> store.tenants().insert(new Tenant(A, "Other", TenantSettings.DEFAULTS, T0)))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.tenants().find(A).orElseThrow().name()).isEqualTo(tenant(A).name());
    }

    @Test
    void tenantInsertWhenIdOutsideTheStorableRangeThenRefused() {
        Tenant far = new Tenant(A, "A", TenantSettings.DEFAULTS, Instant.parse("2263-01-01T00:00:00Z"));

        assertThatThrownBy(() -> store.tenants().insert(far)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- scopes

    @Test
    void scopeWhenStoredAndReadThenNameAndDescriptionRoundTrip() {
        insertTenant(A);
        ScopeDefinition described = new ScopeDefinition(new ScopeName("orders:read"), "Read orders – ünïcode ok");
        ScopeDefinition bare = new ScopeDefinition(new ScopeName("https://api.example/x!"), null);

        store.scopes().insert(A, described);
        store.scopes().insert(A, bare);

        assertThat(store.scopes().find(A, described.name())).contains(described);
        assertThat(store.scopes().find(A, bare.name())).contains(bare);
        assertThat(store.scopes().find(A, new ScopeName("missing"))).isEmpty();
    }

    @Test
    void scopeListWhenSeveralTenantsThenOrderedByNameAndOnlyThatTenantsScopes() {
        insertTenant(A);
        insertTenant(B);
        for (String name : List.of("write", "Admin", "read", "a:b")) {
            store.scopes().insert(A, new ScopeDefinition(new ScopeName(name), name + " things"));
        }
        store.scopes().insert(B, new ScopeDefinition(new ScopeName("other"), ""));

        assertThat(store.scopes().list(A)).extracting(s -> s.name().value())
                .containsExactly("Admin", "a:b", "read", "write");
        assertThat(store.scopes().list(B)).extracting(s -> s.name().value()).containsExactly("other");
        assertThat(store.scopes().find(B, new ScopeName("read"))).isEmpty();
    }

    @Test
    void scopeInsertWhenTenantAlreadyDefinesItThenDuplicate() {
        insertTenant(A);
        store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), "first"));

        assertThatThrownBy(() -> store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), "second")))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.scopes().find(A, new ScopeName("read")).orElseThrow().description()).isEqualTo("first");
    }

    @Test
    void scopeInsertWhenTheSameNameInAnotherTenantThenAllowed() {
        insertTenant(A);
        insertTenant(B);

        store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), "A's"));
        store.scopes().insert(B, new ScopeDefinition(new ScopeName("read"), "B's"));

        assertThat(store.scopes().find(A, new ScopeName("read")).orElseThrow().description()).isEqualTo("A's");
        assertThat(store.scopes().find(B, new ScopeName("read")).orElseThrow().description()).isEqualTo("B's");
    }

    @Test
    void scopeDeleteWhenTheSameNameInAnotherTenantThenOnlyThatTenantsScopeRemoved() {
        insertTenant(A);
        insertTenant(B);
        ScopeName read = new ScopeName("read");
        store.scopes().insert(A, new ScopeDefinition(read, ""));
        store.scopes().insert(B, new ScopeDefinition(read, ""));

        assertThat(store.scopes().delete(A, read)).isTrue();

        assertThat(store.scopes().find(A, read)).isEmpty();
        assertThat(store.scopes().find(B, read)).isPresent();
        assertThat(store.scopes().delete(A, read)).isFalse();
    }

    @Test
    void scopeInsertWhenUnknownTenantThenStoreException() {
        assertThatThrownBy(() -> store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), "")))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateException.class);
    }

    // ---------------------------------------------------------------- clients

    @Test
    void clientWhenStoredAndReadThenEveryFieldRoundTrips() {
        insertTenant(A);
        StoredSecret current = secret(T0.plusSeconds(60), null);
        StoredSecret previous = secret(T0, T0.plus(Duration.ofHours(24)).plusNanos(7));
        ClientCredential client = new ClientCredential(A, new ClientId("svc.billing~1_x-Y"), "Billing service",
                ScopeSet.of("orders:read", "orders:write", "payments"), ScopeSet.of("orders:read", "payments"),
                List.of("https://api.example.com", "urn:billing", "https://a.example"),
                List.of("ROLE_USER", "ROLE_ADMIN"),
                Duration.ofSeconds(900), Set.of(ClientAuthMethod.CLIENT_SECRET_POST), false, true,
                BuiltinClient.MICROSERVICE,
                List.of(current, previous), T0, T0.plusMillis(1500).plusNanos(3));

        store.clients().insert(client);

        ClientCredential found = store.clients().find(A, client.clientId()).orElseThrow();
        assertThat(found).isEqualTo(client);
        assertThat(found.secrets()).containsExactly(current, previous);
        assertThat(found.audiences()).containsExactly("https://api.example.com", "urn:billing", "https://a.example");
        assertThat(found.authorities()).containsExactly("ROLE_USER", "ROLE_ADMIN");
        assertThat(found.activeSecrets(T0.plus(Duration.ofDays(2)))).containsExactly(current);
    }

    @Test
    void clientWhenEmptyListsNoSecretsAndDefaultsThenTheyRoundTrip() {
        insertTenant(A);
        ClientCredential bare = new ClientCredential(A, ClientId.generate(), "Bare", ScopeSet.EMPTY, ScopeSet.EMPTY,
                null, null, ClientCredential.DEFAULT_TOKEN_TTL, null, true, false, null, null, T0, T0);

        store.clients().insert(bare);

        ClientCredential found = store.clients().find(A, bare.clientId()).orElseThrow();
        assertThat(found).isEqualTo(bare);
        assertThat(found.secrets()).isEmpty();
        assertThat(found.audiences()).isEmpty();
        assertThat(found.authorities()).isEmpty();
        assertThat(found.builtin()).isNull();
        assertThat(found.authMethods()).containsExactlyInAnyOrderElementsOf(ClientAuthMethod.SECRET_METHODS);
    }

    @Test
    void clientWhenTlsRegistrationStoredThenItRoundTripsAndAnUpdateReplacesIt() {
        insertTenant(A);
        ClientCredential tlsClient = new ClientCredential(A, ClientId.generate(), "orders", ScopeSet.EMPTY,
                ScopeSet.EMPTY, null, null, ClientCredential.DEFAULT_TOKEN_TTL,
                Set.of(ClientAuthMethod.TLS_CLIENT_AUTH), true, false, null, List.of(), null,
                ClientTls.subject(ClientTls.SubjectField.SUBJECT_DN, "CN=orders,O=Example"), T0, T0);
        ClientCredential secretClient = client(A, "bound", T0, List.of(secret(T0, null)));

        store.clients().insert(tlsClient);
        store.clients().insert(secretClient);
        store.clients().update(secretClient.withTls(new ClientTls(null, null, true), T0.plusSeconds(1)));

        assertThat(store.clients().find(A, tlsClient.clientId())).contains(tlsClient);
        ClientCredential bound = store.clients().find(A, secretClient.clientId()).orElseThrow();
        assertThat(bound.tls()).isEqualTo(new ClientTls(null, null, true));
        assertThat(bound.certificateBoundTokens()).isTrue();
    }

    @Test
    void clientFindWhenMissingThenEmpty() {
        insertTenant(A);

        assertThat(store.clients().find(A, new ClientId("nobody"))).isEmpty();
    }

    @Test
    void clientListWhenSeveralThenOrderedByCreationTimeThenIdAndHoldsSecrets() {
        insertTenant(A);
        ClientCredential late = client(A, "a-late", T0.plusSeconds(10), List.of(secret(T0, null)));
        ClientCredential tieB = client(A, "b-tie", T0.plusNanos(1), List.of());
        ClientCredential tieA = client(A, "a-tie", T0.plusNanos(1), List.of(secret(T0, null), secret(T0, T0)));
        ClientCredential first = client(A, "z-first", T0, List.of(secret(T0, null)));
        for (ClientCredential c : List.of(late, tieB, first, tieA)) {
            store.clients().insert(c);
        }

        assertThat(store.clients().list(A)).containsExactly(first, tieA, tieB, late);
    }

    @Test
    void clientFindWhenThroughAnotherTenantThenInvisible() {
        insertTenant(A);
        insertTenant(B);
        ClientCredential client = client(A, "only-in-a", T0, List.of(secret(T0, null)));
        store.clients().insert(client);

        assertThat(store.clients().find(B, client.clientId())).isEmpty();
        assertThat(store.clients().list(B)).isEmpty();
        assertThat(store.clients().list(A)).containsExactly(client);
    }

    @Test
    void clientInsertWhenIdTakenInSameTenantThenDuplicate() {
        insertTenant(A);
        ClientCredential client = client(A, "taken", T0, List.of(secret(T0, null)));
        store.clients().insert(client);

        assertThatThrownBy(() -> store.clients().insert(client(A, "taken", T0.plusSeconds(1), List.of())))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.clients().find(A, client.clientId())).contains(client);
    }

    @Test
    void clientInsertWhenIdTakenInOtherTenantThenDuplicate() {
        insertTenant(A);
        insertTenant(B);
        ClientCredential client = client(A, "taken", T0, List.of(secret(T0, null)));
        store.clients().insert(client);

        assertThatThrownBy(() -> store.clients().insert(client(B, "taken", T0, List.of(secret(T0, null)))))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.clients().list(B)).isEmpty();
        assertThat(store.clients().find(A, client.clientId())).contains(client);
    }

    @Test
    void clientInsertWhenASecretCollidesThenNothingIsStored() {
        insertTenant(A);
        StoredSecret secret = secret(T0, null);
        ClientCredential twice = client(A, "twice", T0, List.of(secret, secret.expiringAt(T0.plusSeconds(1))));

        assertThatThrownBy(() -> store.clients().insert(twice)).isInstanceOf(DuplicateException.class);

        assertThat(store.clients().find(A, twice.clientId())).isEmpty();
        store.clients().insert(client(A, "twice", T0, List.of(secret)));
        assertThat(store.clients().find(A, twice.clientId()).orElseThrow().secrets()).containsExactly(secret);
    }

    @Test
    void clientInsertWhenASecondBuiltinOfTheSameKindInATenantThenDuplicate() {
        insertTenant(A);
        insertTenant(B);
        store.clients().insert(builtin(A, "a-default", BuiltinClient.DEFAULT));
        store.clients().insert(builtin(A, "a-micro", BuiltinClient.MICROSERVICE));
        store.clients().insert(builtin(B, "b-default", BuiltinClient.DEFAULT));

        assertThatThrownBy(() -> store.clients().insert(builtin(A, "a-default-2", BuiltinClient.DEFAULT)))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.clients().list(A)).extracting(ClientCredential::builtin)
                .containsExactlyInAnyOrder(BuiltinClient.DEFAULT, BuiltinClient.MICROSERVICE);
    }

    @Test
    void clientUpdateWhenCalledThenEveryFieldAndTheSecretsReplaced() {
        insertTenant(A);
        StoredSecret old = secret(T0, null);
        ClientCredential original = client(A, "rotating", T0, List.of(old));
        store.clients().insert(original);

        StoredSecret fresh = secret(T0.plusSeconds(100), null);
        ClientCredential rotated = new ClientCredential(A, original.clientId(), "Renamed",
                ScopeSet.of("x", "y"), ScopeSet.of("y"), List.of("aud-2"), List.of("ROLE_OTHER"),
                Duration.ofSeconds(120), Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC), true, true, BuiltinClient.DEFAULT,
                List.of(fresh, old.expiringAt(T0.plusSeconds(3700))), T0.plusSeconds(1), T0.plusSeconds(100));
        assertThat(store.clients().update(rotated)).isTrue();
        assertThat(store.clients().find(A, original.clientId())).contains(rotated);

        ClientCredential settled = rotated.withSecrets(List.of(fresh), T0.plusSeconds(4000))
                .withEnabled(false, T0.plusSeconds(4000));
        assertThat(store.clients().update(settled)).isTrue();
        assertThat(store.clients().find(A, original.clientId())).contains(settled);

        ClientCredential cleared = settled.withSecrets(List.of(), T0.plusSeconds(5000));
        assertThat(store.clients().update(cleared)).isTrue();
        assertThat(store.clients().find(A, original.clientId())).contains(cleared);
    }

    @Test
    void clientUpdateWhenMissingThenFalse() {
        insertTenant(A);

        assertThat(store.clients().update(client(A, "ghost", T0, List.of(secret(T0, null))))).isFalse();
        assertThat(store.clients().list(A)).isEmpty();
    }

    @Test
    void clientUpdateWhenThroughOtherTenantThenFalseAndUnchanged() {
        insertTenant(A);
        insertTenant(B);
        ClientCredential client = client(A, "mine", T0, List.of(secret(T0, null)));
        store.clients().insert(client);

        ClientCredential hijack = client(B, "mine", T0, List.of(secret(T0, null)));
        assertThat(store.clients().update(hijack)).isFalse();

        assertThat(store.clients().find(A, client.clientId())).contains(client);
        assertThat(store.clients().list(B)).isEmpty();
    }

    @Test
    void clientDeleteWhenCalledThenRemovedWithItsSecrets() throws SQLException {
        insertTenant(A);
        ClientCredential client = client(A, "doomed", T0, List.of(secret(T0, null), secret(T0, T0)));
        store.clients().insert(client);

        assertThat(store.clients().delete(A, client.clientId())).isTrue();

        assertThat(store.clients().find(A, client.clientId())).isEmpty();
        assertThat(count("client_secrets")).isZero();
        assertThat(store.clients().delete(A, client.clientId())).isFalse();
        store.clients().insert(client);
        assertThat(store.clients().find(A, client.clientId())).contains(client);
    }

    @Test
    void clientDeleteWhenThroughOtherTenantThenFalse() {
        insertTenant(A);
        insertTenant(B);
        ClientCredential client = client(A, "mine", T0, List.of());
        store.clients().insert(client);

        assertThat(store.clients().delete(B, client.clientId())).isFalse();
        assertThat(store.clients().find(A, client.clientId())).contains(client);
    }

    // ---------------------------------------------------------------- signing keys

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void signingKeyWhenStoredAndReadThenRoundTripsWithItsPrivateJwk(SigningAlgorithm algorithm) {
        insertTenant(A);
        List<SigningKey> keys = KeyRotation.initialKeys(A, algorithm, T0);
        keys.forEach(store.keys()::insert);

        List<SigningKey> found = store.keys().list(A);

        assertThat(found).containsExactlyInAnyOrderElementsOf(keys);
        for (SigningKey key : found) {
            assertThat(key.privateJwk().isPrivate()).isTrue();
            assertThat(key.privateJwk().toJSONObject()).isEqualTo(
                    keys.stream().filter(k -> k.kid().equals(key.kid())).findFirst().orElseThrow()
                            .privateJwk().toJSONObject());
        }
    }

    @Test
    void signingKeyWhenRetiredThenItsDatesRoundTrip() {
        insertTenant(A);
        SigningKey key = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).get(0)
                .retired(T0.plusSeconds(10), T0.plus(Duration.ofHours(1)).plusNanos(1));
        store.keys().insert(key);

        assertThat(store.keys().list(A)).containsExactly(key);
    }

    @Test
    void signingKeyListWhenSeveralTenantsThenOrderedByCreationTimeThenKidAndOnlyThatTenantsKeys() {
        insertTenant(A);
        insertTenant(B);
        List<SigningKey> sameTime = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0.plusSeconds(5));
        List<SigningKey> earlier = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0);
        List<SigningKey> others = KeyRotation.initialKeys(B, SigningAlgorithm.ES256, T0);
        Stream.of(sameTime, others, earlier).flatMap(List::stream).forEach(store.keys()::insert);

        List<SigningKey> expected = new ArrayList<>(sameTime);
        expected.addAll(earlier);
        expected.sort(Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::kid));
        assertThat(store.keys().list(A)).containsExactlyElementsOf(expected);
        assertThat(store.keys().list(B)).containsExactlyInAnyOrderElementsOf(others);
        assertThat(store.keys().list(TenantId.of("nobody"))).isEmpty();
    }

    @Test
    void signingKeyInsertWhenKidTakenInTenantThenDuplicate() {
        insertTenant(A);
        SigningKey key = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).get(0);
        store.keys().insert(key);

        assertThatThrownBy(() -> store.keys().insert(key)).isInstanceOf(DuplicateException.class);
    }

    @Test
    void keyRotationApplyWhenTheSamePlanTwiceThenSucceedsOnceAndIsRefusedWithNothingChanged() {
        insertTenant(A);
        KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).forEach(store.keys()::insert);
        Instant later = T0.plus(Duration.ofDays(1));
        KeyRotation.Plan plan = KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256,
                Duration.ofHours(1), later);

        assertThat(store.keys().apply(plan)).isTrue();

        List<SigningKey> rotated = store.keys().list(A);
        List<SigningKey> expected = new ArrayList<>(plan.inserts());
        plan.updates().forEach(change -> expected.add(change.key()));
        assertThat(rotated).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rotated).extracting(SigningKey::state)
                .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.CURRENT, KeyState.NEXT);

        assertThat(store.keys().apply(plan)).isFalse();
        assertThat(store.keys().list(A)).isEqualTo(rotated);
    }

    @Test
    void keyRotationWhenRetiredKeysTokensHaveExpiredThenThoseKeysDeleted() {
        insertTenant(A);
        List<SigningKey> initial = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0);
        initial.forEach(store.keys()::insert);
        Duration ttl = Duration.ofHours(1);
        assertThat(store.keys().apply(KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256, ttl,
                T0.plus(Duration.ofDays(1))))).isTrue();

        KeyRotation.Plan second = KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256, ttl,
                T0.plus(Duration.ofDays(2)));
        assertThat(second.deletes()).extracting(SigningKey::kid).containsExactly(initial.get(0).kid());
        assertThat(store.keys().apply(second)).isTrue();

        List<SigningKey> keys = store.keys().list(A);
        assertThat(keys).hasSize(3).extracting(SigningKey::kid).doesNotContain(initial.get(0).kid());
        assertThat(store.keys().apply(new KeyRotation.Plan(List.of(), List.of(), second.deletes()))).isFalse();
    }

    @Test
    void keyRotationWhenALaterGuardFailsThenEarlierUpdatesAreUndone() {
        insertTenant(A);
        List<SigningKey> initial = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0);
        initial.forEach(store.keys()::insert);
        List<SigningKey> before = store.keys().list(A);
        KeyRotation.Plan valid = KeyRotation.rotate(before, SigningAlgorithm.ES256, Duration.ofHours(1),
                T0.plusSeconds(60));
        SigningKey current = initial.get(0);
        // First change is right (CURRENT -> RETIRED); the second expects the CURRENT key to be NEXT.
        KeyRotation.Plan halfStale = new KeyRotation.Plan(
                List.of(valid.updates().get(0), new KeyRotation.Change(KeyState.NEXT, current.activated(T0))),
                valid.inserts(), List.of());

        assertThat(store.keys().apply(halfStale)).isFalse();

        assertThat(store.keys().list(A)).isEqualTo(before);
    }

    @Test
    void keyRotationWhenAnInsertCollidesThenItThrowsAndNothingIsApplied() {
        insertTenant(A);
        KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).forEach(store.keys()::insert);
        List<SigningKey> before = store.keys().list(A);
        KeyRotation.Plan plan = KeyRotation.rotate(before, SigningAlgorithm.ES256, Duration.ofHours(1),
                T0.plusSeconds(60));
        KeyRotation.Plan colliding = new KeyRotation.Plan(plan.updates(), List.of(before.get(0)), List.of());

        assertThatThrownBy(() -> store.keys().apply(colliding)).isInstanceOf(DuplicateException.class);

        assertThat(store.keys().list(A)).isEqualTo(before);
    }

    @Test
    void keyRotationWhenRacedByTwoNodesThenAppliedByExactlyOne() throws Exception {
        insertTenant(A);
        KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).forEach(store.keys()::insert);
        KeyRotation.Plan plan = KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256,
                Duration.ofHours(1), T0.plusSeconds(60));
        KeyRotation.Plan rival = KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256,
                Duration.ofHours(1), T0.plusSeconds(61));

        List<Boolean> results = race(List.of(() -> store.keys().apply(plan), () -> store.keys().apply(rival)));

        assertThat(results).containsExactlyInAnyOrder(true, false);
        assertThat(store.keys().list(A)).hasSize(3).extracting(SigningKey::state)
                .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.CURRENT, KeyState.NEXT);
    }

    // ---------------------------------------------------------------- shared failure counts

    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);

    @Test
    void failureCountsWhenAddedByTwoNodesThenSummedPerSourceAndReadBackOverTheCount() {
        FailureCountRepository failures = store.clientAuthFailures();
        failures.add(Map.of("203.0.113.7", 4, "198.51.100.1", 1), T0, FAILURE_WINDOW);
        failures.add(Map.of("203.0.113.7", 3, "20010db8000000000::/64", 9), T0.plusSeconds(1), FAILURE_WINDOW);

        assertThat(failures.over(5, T0.minus(FAILURE_WINDOW), 10)).containsExactly(
                new FailureCountRepository.Failures("20010db8000000000::/64", 9, T0.plusSeconds(1)),
                new FailureCountRepository.Failures("203.0.113.7", 7, T0.plusSeconds(1)));
        assertThat(failures.over(0, T0.minus(FAILURE_WINDOW), 1)).hasSize(1);
        assertThat(failures.over(5, T0.plusSeconds(2), 10)).isEmpty();
    }

    @Test
    void failureCountsWhenTheLastFailureIsOlderThanTheWindowThenTheCountStartsAgain() {
        FailureCountRepository failures = store.clientAuthFailures();
        failures.add(Map.of("203.0.113.7", 50), T0, FAILURE_WINDOW);
        Instant later = T0.plus(FAILURE_WINDOW).plusSeconds(1);

        failures.add(Map.of("203.0.113.7", 2), later, FAILURE_WINDOW);

        assertThat(failures.over(0, T0, 10)).containsExactly(
                new FailureCountRepository.Failures("203.0.113.7", 2, later));
    }

    @Test
    void failureCountsWhenDeletedBeforeAnInstantThenOnlyLaterSourcesRemain() {
        FailureCountRepository failures = store.clientAuthFailures();
        failures.add(Map.of("old", 1), T0, FAILURE_WINDOW);
        failures.add(Map.of("new", 1), T0.plusSeconds(10), FAILURE_WINDOW);

        assertThat(failures.deleteBefore(T0.plusSeconds(5))).isEqualTo(1);

        assertThat(failures.over(0, T0, 10)).extracting(FailureCountRepository.Failures::source)
                .containsExactly("new");
    }

    @Test
    void failureCountsWhenNodesAddTheSameNewSourcesAtOnceThenEveryFailureIsCountedOnce() throws Exception {
        List<Callable<Boolean>> nodes = new ArrayList<>();
        for (int node = 0; node < 4; node++) {
            nodes.add(() -> {
                store.clientAuthFailures().add(Map.of("203.0.113.7", 1, "203.0.113.8", 2, "203.0.113.9", 3), T0,
                        FAILURE_WINDOW);
                return true;
            });
        }

        race(nodes);

        assertThat(store.clientAuthFailures().over(0, T0, 10)).extracting(FailureCountRepository.Failures::count)
                .containsExactly(12L, 8L, 4L);
    }

    // ---------------------------------------------------------------- installation

    @Test
    void installationFindWhenMissingThenEmpty() {
        assertThat(store.installation().find("secret-hashing-key")).isEmpty();
    }

    @Test
    void installationPutIfAbsentWhenAbsentThenStoresTheValueAndReturnsIt() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 37 - 128);
        }

        assertThat(store.installation().putIfAbsent("secret-hashing-key", key)).isEqualTo(key);
        assertThat(store.installation().find("secret-hashing-key")).get().isEqualTo(key);
    }

    @Test
    void installationPutIfAbsentWhenPresentThenReturnsTheFirstValue() {
        byte[] first = bytes("first");
        store.installation().putIfAbsent("k", first);

        assertThat(store.installation().putIfAbsent("k", bytes("second"))).isEqualTo(first);
        assertThat(store.installation().find("k")).get().isEqualTo(first);
    }

    @Test
    void installationPutIfAbsentWhenRacedThenEveryoneGetsTheWinnersValue() throws Exception {
        List<Callable<byte[]>> contenders = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] mine = bytes("node-" + i);
            contenders.add(() -> store.installation().putIfAbsent("race", mine));
        }

        List<byte[]> results = race(contenders);

        byte[] stored = store.installation().find("race").orElseThrow();
        assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(stored));
    }

    @Test
    void installationPutIfAbsentWhenPresentInsideATransactionThenTheTransactionStaysUsable() {
        store.installation().putIfAbsent("k", bytes("first"));

        byte[] result = store.inTransaction(() -> {
            byte[] got = store.installation().putIfAbsent("k", bytes("second"));
            insertTenant(A);
            return got;
        });

        assertThat(result).isEqualTo(bytes("first"));
        assertThat(store.tenants().find(A)).isPresent();
    }

    // ---------------------------------------------------------------- users

    @Test
    void userWhenStoredAndReadThenEveryFieldRoundTrips() {
        insertTenant(A);
        User full = new User(UUID.randomUUID().toString(), A, "j.doe_1-x", "john@example.com", "John – ünïcode",
                "Doe", T0, T0.plusNanos(7));
        User bare = new User(UUID.randomUUID().toString(), A, "bare", "b@x", null, null, T0.plusSeconds(1),
                T0.plusSeconds(1));

        store.users().insert(full);
        store.users().insert(bare);

        assertThat(store.users().find(A, full.id())).contains(full);
        assertThat(store.users().find(A, bare.id())).contains(bare);
        assertThat(store.users().find(A, UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void userInsertWhenUsernameTakenInTheTenantThenDuplicate() {
        insertTenant(A);
        store.users().insert(user(A, "newuser", 0));

        assertThatThrownBy(() -> store.users().insert(user(A, "newuser", 1))).isInstanceOf(DuplicateException.class);
        assertThat(store.users().count(A, UserRepository.Filter.ALL)).isEqualTo(1);
    }

    @Test
    void userInsertWhenTheSameUsernameInTwoTenantsThenBothExist() {
        insertTenant(A);
        insertTenant(B);

        store.users().insert(user(A, "newuser", 0));
        store.users().insert(user(B, "newuser", 0));

        assertThat(store.users().count(A, UserRepository.Filter.ALL)).isEqualTo(1);
        assertThat(store.users().count(B, UserRepository.Filter.ALL)).isEqualTo(1);
    }

    @Test
    void userWhenInAnotherTenantThenCannotBeFoundUpdatedOrDeleted() {
        insertTenant(A);
        insertTenant(B);
        User ofA = user(A, "alice", 0);
        store.users().insert(ofA);
        User asIfOfB = new User(ofA.id(), B, "mallory", "m@x", null, null, T0, T0.plusSeconds(5));

        assertThat(store.users().find(B, ofA.id())).isEmpty();
        assertThat(store.users().list(B, UserRepository.Filter.ALL, 0, 100)).isEmpty();
        assertThat(store.users().update(asIfOfB)).isFalse();
        assertThat(store.users().delete(B, ofA.id())).isFalse();
        assertThat(store.users().find(A, ofA.id())).contains(ofA);
    }

    @Test
    void userListWhenPagedThenCreationOrderAndCountsTheWhole() {
        insertTenant(A);
        insertTenant(B);
        for (int i = 0; i < 25; i++) {
            store.users().insert(user(A, "user" + i, i));
        }
        store.users().insert(user(B, "other", 0));

        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            store.users().list(A, UserRepository.Filter.ALL, offset, 10).forEach(u -> seen.add(u.username()));
        }

        assertThat(seen).hasSize(25).startsWith("user0", "user1").endsWith("user24");
        assertThat(store.users().list(A, UserRepository.Filter.ALL, 20, 10)).hasSize(5);
        assertThat(store.users().list(A, UserRepository.Filter.ALL, 25, 10)).isEmpty();
        assertThat(store.users().count(A, UserRepository.Filter.ALL)).isEqualTo(25);
    }

    @Test
    void userListWhenFilteredThenByExactUsernameAndEmail() {
        insertTenant(A);
        store.users().insert(user(A, "alice", 0));
        store.users().insert(user(A, "alice2", 1));
        store.users().insert(new User(UUID.randomUUID().toString(), A, "bob", "shared@example.com", null, null,
                T0.plusSeconds(2), T0.plusSeconds(2)));
        store.users().insert(new User(UUID.randomUUID().toString(), A, "carol", "shared@example.com", null, null,
                T0.plusSeconds(3), T0.plusSeconds(3)));

        assertThat(store.users().list(A, new UserRepository.Filter("alice", null), 0, 10))
                .extracting(User::username).containsExactly("alice");
        assertThat(store.users().list(A, new UserRepository.Filter(null, "shared@example.com"), 0, 10))
                .extracting(User::username).containsExactly("bob", "carol");
        assertThat(store.users().count(A, new UserRepository.Filter("bob", "shared@example.com"))).isEqualTo(1);
        assertThat(store.users().count(A, new UserRepository.Filter("alice", "shared@example.com"))).isZero();
        assertThat(store.users().count(A, new UserRepository.Filter("ALICE", null))).isZero();
    }

    @Test
    void userUpdateWhenCalledThenFieldsReplacedButNotCreationTime() {
        insertTenant(A);
        User original = user(A, "alice", 0);
        store.users().insert(original);
        User changed = new User(original.id(), A, "alice.b", "new@example.com", null, "B",
                T0.plusSeconds(999), T0.plusSeconds(60));

        assertThat(store.users().update(changed)).isTrue();

        assertThat(store.users().find(A, original.id())).contains(new User(original.id(), A, "alice.b",
                "new@example.com", null, "B", original.createdAt(), T0.plusSeconds(60)));
    }

    @Test
    void userUpdateWhenToAnotherUsersUsernameThenDuplicate() {
        insertTenant(A);
        User alice = user(A, "alice", 0);
        store.users().insert(alice);
        store.users().insert(user(A, "bob", 1));

        assertThatThrownBy(() -> store.users().update(alice.withFields("bob", "a@x", null, null, T0.plusSeconds(9))))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.users().find(A, alice.id())).contains(alice);
    }

    @Test
    void userUpdateOrDeleteWhenMissingThenFalse() {
        insertTenant(A);
        User never = user(A, "ghost", 0);

        assertThat(store.users().update(never)).isFalse();
        assertThat(store.users().delete(A, never.id())).isFalse();
    }

    @Test
    void userDeleteWhenCalledThenOnlyThatUserRemoved() {
        insertTenant(A);
        User alice = user(A, "alice", 0);
        User bob = user(A, "bob", 1);
        store.users().insert(alice);
        store.users().insert(bob);

        assertThat(store.users().delete(A, alice.id())).isTrue();

        assertThat(store.users().find(A, alice.id())).isEmpty();
        assertThat(store.users().list(A, UserRepository.Filter.ALL, 0, 10)).containsExactly(bob);
    }

    private static User user(TenantId tenant, String username, int secondsAfterT0) {
        Instant at = T0.plusSeconds(secondsAfterT0);
        return new User(UUID.randomUUID().toString(), tenant, username, username + "@example.com", "First",
                "Last", at, at);
    }

    // ---------------------------------------------------------------- revocations

    @Test
    void revokedTokenWhenStoredThenRoundTripsAndIsListedUntilItExpires() {
        insertTenant(A);
        RevokedToken token = new RevokedToken(A, new ClientId("client-1"), "jti-1", T0.plusSeconds(60));

        store.revocations().insert(token);

        assertThat(store.revocations().listTokens(T0)).containsExactly(token);
        assertThat(store.revocations().listTokens(T0.plusSeconds(60).minusNanos(1))).containsExactly(token);
        assertThat(store.revocations().listTokens(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void revokedTokenWhenInsertedTwiceThenStoredOnceWithoutError() {
        insertTenant(A);
        RevokedToken token = new RevokedToken(A, new ClientId("client-1"), "jti-1", T0.plusSeconds(60));

        store.revocations().insert(token);
        store.inTransaction(() -> store.revocations().insert(token));

        assertThat(store.revocations().listTokens(T0)).containsExactly(token);
    }

    @Test
    void revokedTokenWhenTheSameJtiInAnotherTenantThenAnotherEntry() {
        insertTenant(A);
        insertTenant(B);
        RevokedToken inA = new RevokedToken(A, new ClientId("client-1"), "jti-1", T0.plusSeconds(60));
        RevokedToken inB = new RevokedToken(B, new ClientId("client-2"), "jti-1", T0.plusSeconds(60));

        store.revocations().insert(inA);
        store.revocations().insert(inB);

        assertThat(store.revocations().listTokens(T0)).containsExactlyInAnyOrder(inA, inB);
    }

    @Test
    void revokedTokenWhenUnknownTenantThenStoreException() {
        assertThatThrownBy(() -> store.revocations().insert(
                new RevokedToken(A, new ClientId("client-1"), "jti-1", T0.plusSeconds(60))))
                .isInstanceOf(StoreException.class);
    }

    @Test
    void clientCutoffWhenStoredThenRoundTripsAndALaterOneReplacesItButAnEarlierOneDoesNot() {
        insertTenant(A);
        ClientId client = new ClientId("client-1");
        ClientTokenCutoff first = new ClientTokenCutoff(A, client, T0, T0.plus(Duration.ofDays(1)));
        ClientTokenCutoff later = new ClientTokenCutoff(A, client, T0.plusSeconds(10),
                T0.plusSeconds(10).plus(Duration.ofDays(1)));

        store.revocations().upsert(first);
        assertThat(store.revocations().listCutoffs(T0)).containsExactly(first);

        store.revocations().upsert(later);
        assertThat(store.revocations().listCutoffs(T0)).containsExactly(later);

        store.revocations().upsert(first);
        assertThat(store.revocations().listCutoffs(T0)).containsExactly(later);
    }

    @Test
    void clientCutoffWhenStoredThenListedUntilItsKeepUntil() {
        insertTenant(A);
        ClientTokenCutoff cutoff = new ClientTokenCutoff(A, new ClientId("client-1"), T0, T0.plusSeconds(60));

        store.revocations().upsert(cutoff);

        assertThat(store.revocations().listCutoffs(T0.plusSeconds(60).minusNanos(1))).containsExactly(cutoff);
        assertThat(store.revocations().listCutoffs(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void clientCutoffsWhenRacedByTwoNodesThenTheLaterOneLeft() throws Exception {
        insertTenant(A);
        ClientId client = new ClientId("client-1");
        List<ClientTokenCutoff> cutoffs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cutoffs.add(new ClientTokenCutoff(A, client, T0.plusSeconds(i), T0.plusSeconds(i).plus(Duration.ofDays(1))));
        }

        race(cutoffs.stream().<Callable<Void>>map(c -> () -> {
            store.revocations().upsert(c);
            return null;
        }).toList());

        assertThat(store.revocations().listCutoffs(T0)).containsExactly(cutoffs.get(cutoffs.size() - 1));
    }

    /** A deleted client's tokens stay revoked until they expire (ClientOperations.delete writes the cutoff first). */
    @Test
    void clientCutoffWhenItsClientIsDeletedInTheSameTransactionThenKept() {
        insertTenant(A);
        ClientCredential client = client(A, "doomed", T0, List.of());
        store.clients().insert(client);
        ClientTokenCutoff cutoff = new ClientTokenCutoff(A, client.clientId(), T0, T0.plus(Duration.ofDays(1)));

        store.inTransaction(() -> {
            store.revocations().upsert(cutoff);
            store.clients().delete(A, client.clientId());
            return null;
        });

        assertThat(store.clients().find(A, client.clientId())).isEmpty();
        assertThat(store.revocations().listCutoffs(T0)).containsExactly(cutoff);
    }

    @Test
    void deleteExpiredWhenCalledThenOnlyEntriesThatNoLongerMatterRemoved() {
        insertTenant(A);
        ClientId client = new ClientId("client-1");
        RevokedToken expired = new RevokedToken(A, client, "expired", T0);
        RevokedToken live = new RevokedToken(A, client, "live", T0.plusNanos(1));
        ClientTokenCutoff expiredCutoff = new ClientTokenCutoff(A, new ClientId("client-2"), T0.minusSeconds(9), T0);
        ClientTokenCutoff liveCutoff = new ClientTokenCutoff(A, client, T0, T0.plusNanos(1));
        store.revocations().insert(expired);
        store.revocations().insert(live);
        store.revocations().upsert(expiredCutoff);
        store.revocations().upsert(liveCutoff);

        assertThat(store.revocations().deleteExpired(T0)).isEqualTo(2);

        assertThat(store.revocations().listTokens(T0.minusSeconds(1))).containsExactly(live);
        assertThat(store.revocations().listCutoffs(T0.minusSeconds(1))).containsExactly(liveCutoff);
        assertThat(store.revocations().deleteExpired(T0)).isZero();
    }

    @Test
    void revocationsWhenTheStoreClosedAndReopenedThenSurvive() {
        insertTenant(A);
        RevokedToken token = new RevokedToken(A, new ClientId("client-1"), "jti-1", T0.plusSeconds(60));
        ClientTokenCutoff cutoff = new ClientTokenCutoff(A, new ClientId("client-1"), T0, T0.plusSeconds(60));
        store.revocations().insert(token);
        store.revocations().upsert(cutoff);

        store.close();
        store = JdbcStore.open(config(), TestKek.SHARED);

        assertThat(store.revocations().listTokens(T0)).containsExactly(token);
        assertThat(store.revocations().listCutoffs(T0)).containsExactly(cutoff);
    }

    // ---------------------------------------------------------------- private_key_jwt clients (V11)

    @Test
    void clientWhenPrivateKeyJwtWithInlineKeysThenKeysAndMethodRoundTripWithoutASecret() throws Exception {
        insertTenant(A);
        com.nimbusds.jose.jwk.ECKey ec = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("ec-1").generate();
        com.nimbusds.jose.jwk.RSAKey rsa = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ClientCredential base = client(A, "signer", T0, List.of());
        ClientCredential signer = new ClientCredential(A, base.clientId(), base.name(), base.allowedScopes(),
                base.defaultScopes(), base.audiences(), base.authorities(), base.tokenTtl(),
                Set.of(ClientAuthMethod.PRIVATE_KEY_JWT), true, false, null, List.of(),
                dev.tollgate.core.client.ClientKeys.inline(List.of(ec.toPublicJWK(), rsa.toPublicJWK())),
                base.createdAt(), base.updatedAt());

        store.clients().insert(signer);
        ClientCredential read = store.clients().find(A, signer.clientId()).orElseThrow();

        assertThat(read.authMethods()).containsExactly(ClientAuthMethod.PRIVATE_KEY_JWT);
        assertThat(read.secrets()).isEmpty();
        assertThat(read.keys().inlineKeys()).containsExactly(ec.toPublicJWK(), rsa.toPublicJWK());
        assertThat(read.keys().jwksUri()).isNull();
    }

    @Test
    void clientWhenKeysReplacedByAJwksUriThenTheUriRoundTripsAndTheInlineKeysAreGone() throws Exception {
        insertTenant(A);
        com.nimbusds.jose.jwk.ECKey ec = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("ec-1").generate();
        ClientCredential base = client(A, "signer", T0, List.of());
        ClientCredential signer = new ClientCredential(A, base.clientId(), base.name(), base.allowedScopes(),
                base.defaultScopes(), base.audiences(), base.authorities(), base.tokenTtl(),
                Set.of(ClientAuthMethod.PRIVATE_KEY_JWT), true, false, null, List.of(),
                dev.tollgate.core.client.ClientKeys.inline(List.of(ec.toPublicJWK())), base.createdAt(), base.updatedAt());
        store.clients().insert(signer);

        java.net.URI uri = java.net.URI.create("https://client.example/.well-known/jwks.json");
        store.clients().update(signer.withKeys(dev.tollgate.core.client.ClientKeys.remote(uri), T0.plusSeconds(5)));

        ClientCredential read = store.clients().find(A, signer.clientId()).orElseThrow();
        assertThat(read.keys().jwksUri()).isEqualTo(uri);
        assertThat(read.keys().inlineKeys()).isEmpty();
    }

    @Test
    void tenantWhenTokenEndpointAudienceTurnedOffThenRoundTripsAndDefaultsToOn() {
        store.tenants().insert(new Tenant(A, "A", TenantSettings.DEFAULTS, T0));
        assertThat(store.tenants().find(A).orElseThrow().settings().tokenEndpointAudience()).isTrue();

        store.tenants().update(new Tenant(A, "A", TenantSettings.DEFAULTS.withTokenEndpointAudience(false), T0));

        assertThat(store.tenants().find(A).orElseThrow().settings().tokenEndpointAudience()).isFalse();
    }

    // ---------------------------------------------------------------- single-use jtis

    private static final String NS = "client-assertion:tenant-a:client-1";

    @Test
    void replayRecordWhenFirstThenTrueAndWhenAgainThenFalse() {
        assertThat(store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0)).isTrue();

        assertThat(store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0)).isFalse();
        assertThat(store.inTransaction(() -> store.replays().record(NS, "jti-1", T0.plusSeconds(90), T0.plusSeconds(1))))
                .isFalse();
    }

    @Test
    void replayRecordWhenTheSameJtiInAnotherNamespaceThenTrue() {
        store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0);

        assertThat(store.replays().record("dpop:thumbprint", "jti-1", T0.plusSeconds(60), T0)).isTrue();
    }

    @Test
    void replayRecordWhenTheStoredOneExpiredButNotPrunedThenTrueAndKeptUntilTheNewExpiry() {
        store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0);

        assertThat(store.replays().record(NS, "jti-1", T0.plusSeconds(120), T0.plusSeconds(60))).isTrue();
        assertThat(store.replays().record(NS, "jti-1", T0.plusSeconds(120), T0.plusSeconds(119))).isFalse();
    }

    @Test
    void replayRecordWhenLongestNamespaceAndJtiThenStoredExactly() {
        String namespace = "n".repeat(ReplayRepository.MAX_NAMESPACE_LENGTH);
        String jti = "\u00e9".repeat(ReplayRepository.MAX_JTI_LENGTH);

        assertThat(store.replays().record(namespace, jti, T0.plusSeconds(60), T0)).isTrue();
        assertThat(store.replays().record(namespace, jti, T0.plusSeconds(60), T0)).isFalse();
        assertThat(store.replays().record(namespace, jti.substring(1) + "e", T0.plusSeconds(60), T0)).isTrue();
    }

    @Test
    void replayRecordWhenTooLongThenIllegalArgumentAndNothingStored() {
        assertThatThrownBy(() -> store.replays().record(NS, "j".repeat(ReplayRepository.MAX_JTI_LENGTH + 1),
                T0.plusSeconds(60), T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.replays().record("n".repeat(ReplayRepository.MAX_NAMESPACE_LENGTH + 1), "jti",
                T0.plusSeconds(60), T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replayRecordWhenRacedByTwoNodesThenExactlyOneCallWins() throws Exception {
        try (JdbcStore other = JdbcStore.open(config(), TestKek.SHARED)) {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Store node = i % 2 == 0 ? store : other;
                calls.add(() -> node.replays().record(NS, "raced", T0.plusSeconds(60), T0));
            }

            assertThat(race(calls)).containsOnlyOnce(true);
        }
    }

    @Test
    void replayDeleteExpiredWhenCalledThenOnlyExpiredRowsGo() {
        store.replays().record(NS, "expired", T0, T0.minusSeconds(1));
        store.replays().record(NS, "live", T0.plusNanos(1), T0.minusSeconds(1));

        assertThat(store.replays().deleteExpired(T0)).isEqualTo(1);

        assertThat(store.replays().record(NS, "live", T0.plusSeconds(60), T0)).isFalse();
        assertThat(store.replays().deleteExpired(T0)).isZero();
    }

    @Test
    void replayRecordsWhenTheStoreClosedAndReopenedThenSurvive() {
        store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0);

        store.close();
        store = JdbcStore.open(config(), TestKek.SHARED);

        assertThat(store.replays().record(NS, "jti-1", T0.plusSeconds(60), T0)).isFalse();
    }

    // ---------------------------------------------------------------- admins

    @Test
    void adminWhenStoredAndReadThenEveryFieldRoundTrips() {
        insertTenant(A);
        Admin additional = new Admin(UUID.randomUUID().toString(), A, "ops.eve@example-1_x", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.VIEW_AUDIT, Capability.MANAGE_SCOPES), "pbkdf2-sha256$600000$c2FsdA$aGFzaA", true,
                "JBSWY3DPEHPK3PXP", T0, T0.plusNanos(7));
        Admin bare = new Admin(UUID.randomUUID().toString(), A, "admin", AdminRole.ADMIN, null, "hash", false, null,
                T0.plusSeconds(1), T0.plusSeconds(1));

        store.admins().insert(additional);
        store.admins().insert(bare);

        assertThat(store.admins().find(A, additional.id())).contains(additional);
        assertThat(store.admins().findByUsername(A, "ops.eve@example-1_x")).contains(additional);
        assertThat(store.admins().find(A, bare.id())).contains(bare);
        assertThat(store.admins().find(A, bare.id()).orElseThrow().capabilities()).isEmpty();
        assertThat(store.admins().find(A, bare.id()).orElseThrow().totpSecret()).isNull();
        assertThat(store.admins().find(A, UUID.randomUUID().toString())).isEmpty();
        assertThat(store.admins().findByUsername(A, "nobody")).isEmpty();
    }

    @Test
    void adminWhenEveryCapabilityAndEveryRoleThenTheyRoundTrip() {
        insertTenant(A);
        Admin all = new Admin(UUID.randomUUID().toString(), A, "all", AdminRole.ADDITIONAL_ADMIN,
                EnumSet.allOf(Capability.class), "hash", false, null, T0, T0);
        Admin admin = new Admin(UUID.randomUUID().toString(), A, "admin", AdminRole.ADMIN,
                Set.of(Capability.MANAGE_USERS), "hash", false, null, T0, T0);

        store.admins().insert(all);
        store.admins().insert(admin);

        assertThat(store.admins().find(A, all.id())).contains(all);
        assertThat(store.admins().find(A, admin.id())).contains(admin);
    }

    @Test
    void adminInsertWhenUsernameTakenInTheTenantThenDuplicate() {
        insertTenant(A);
        Admin first = admin(A, "alice", 0);
        store.admins().insert(first);

        assertThatThrownBy(() -> store.admins().insert(admin(A, "alice", 1))).isInstanceOf(DuplicateException.class);
        assertThat(store.admins().list(A)).containsExactly(first);
    }

    @Test
    void adminInsertWhenTheSameUsernameInTwoTenantsThenBothExist() {
        insertTenant(A);
        insertTenant(B);
        Admin ofA = admin(A, "admin", 0);
        Admin ofB = admin(B, "admin", 0);

        store.admins().insert(ofA);
        store.admins().insert(ofB);

        assertThat(store.admins().findByUsername(A, "admin")).contains(ofA);
        assertThat(store.admins().findByUsername(B, "admin")).contains(ofB);
    }

    @Test
    void adminInsertWhenIdTakenInAnotherTenantThenDuplicate() {
        insertTenant(A);
        insertTenant(B);
        Admin ofA = admin(A, "alice", 0);
        store.admins().insert(ofA);
        Admin sameId = new Admin(ofA.id(), B, "bob", AdminRole.ADMIN, null, "hash", false, null, T0, T0);

        assertThatThrownBy(() -> store.admins().insert(sameId)).isInstanceOf(DuplicateException.class);
        assertThat(store.admins().list(B)).isEmpty();
    }

    @Test
    void adminInsertWhenUnknownTenantThenStoreException() {
        assertThatThrownBy(() -> store.admins().insert(admin(A, "alice", 0)))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateException.class);
    }

    @Test
    void adminWhenInAnotherTenantThenCannotBeFoundUpdatedOrDeleted() {
        insertTenant(A);
        insertTenant(B);
        Admin ofA = admin(A, "alice", 0);
        store.admins().insert(ofA);
        Admin asIfOfB = new Admin(ofA.id(), B, "mallory", AdminRole.ADMIN, null, "other", false, null, T0,
                T0.plusSeconds(5));

        assertThat(store.admins().find(B, ofA.id())).isEmpty();
        assertThat(store.admins().findByUsername(B, "alice")).isEmpty();
        assertThat(store.admins().list(B)).isEmpty();
        assertThat(store.admins().update(asIfOfB)).isFalse();
        assertThat(store.admins().delete(B, ofA.id())).isFalse();
        assertThat(store.admins().find(A, ofA.id())).contains(ofA);
    }

    @Test
    void adminListWhenSeveralTenantsThenOrderedByUsernameInCodePointOrderAndOnlyThatTenantsAdmins() {
        insertTenant(A);
        insertTenant(B);
        for (String username : List.of("bob", "alice", "Alice", "_x", "1-z", "a.b")) {
            store.admins().insert(admin(A, username, 0));
        }
        store.admins().insert(admin(B, "other", 0));

        assertThat(store.admins().list(A)).extracting(Admin::username)
                .containsExactly("1-z", "Alice", "_x", "a.b", "alice", "bob");
        assertThat(store.admins().list(B)).extracting(Admin::username).containsExactly("other");
    }

    @Test
    void adminUpdateWhenCalledThenEveryFieldReplacedButIdTenantAndCreationTime() {
        insertTenant(A);
        Admin original = new Admin(UUID.randomUUID().toString(), A, "alice", AdminRole.ADMIN, null, "old-hash", true,
                "JBSWY3DPEHPK3PXP", T0, T0);
        store.admins().insert(original);
        Admin changed = new Admin(original.id(), A, "alice2", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.MANAGE_USERS), "new-hash", false, null, T0.plusSeconds(99), T0.plusSeconds(5).plusNanos(1));

        assertThat(store.admins().update(changed)).isTrue();

        assertThat(store.admins().find(A, original.id())).contains(new Admin(original.id(), A, "alice2",
                AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.MANAGE_USERS), "new-hash", false, null, T0,
                T0.plusSeconds(5).plusNanos(1)));
        assertThat(store.admins().findByUsername(A, "alice")).isEmpty();
    }

    @Test
    void adminUpdateWhenToAnotherAdminsUsernameThenDuplicate() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        Admin bob = admin(A, "bob", 1);
        store.admins().insert(alice);
        store.admins().insert(bob);

        assertThatThrownBy(() -> store.admins().update(new Admin(bob.id(), A, "alice", bob.role(), null, "h", false,
                null, T0, T0.plusSeconds(9)))).isInstanceOf(DuplicateException.class);
        assertThat(store.admins().find(A, bob.id())).contains(bob);
    }

    @Test
    void adminUpdateOrDeleteWhenMissingThenFalse() {
        insertTenant(A);

        assertThat(store.admins().update(admin(A, "ghost", 0))).isFalse();
        assertThat(store.admins().delete(A, UUID.randomUUID().toString())).isFalse();
        assertThat(store.admins().list(A)).isEmpty();
    }

    @Test
    void adminRecordTotpStepWhenLaterThanTheLastThenRecordedElseRefused() {
        insertTenant(A);
        insertTenant(B);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);

        assertThat(store.admins().recordTotpStep(A, alice.id(), 100)).isTrue();
        assertThat(store.admins().recordTotpStep(A, alice.id(), 100)).isFalse();
        assertThat(store.admins().recordTotpStep(A, alice.id(), 99)).isFalse();
        assertThat(store.admins().recordTotpStep(B, alice.id(), 101)).isFalse();
        assertThat(store.admins().recordTotpStep(A, UUID.randomUUID().toString(), 101)).isFalse();
        assertThat(store.admins().recordTotpStep(A, alice.id(), 101)).isTrue();
        // An update of the admin's fields leaves the recorded step alone.
        store.admins().update(alice);
        assertThat(store.admins().recordTotpStep(A, alice.id(), 101)).isFalse();
    }

    @Test
    void adminRecordTotpStepWhenTheSameStepRecordedConcurrentlyThenExactlyOneSucceeds() throws Exception {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        List<Callable<Boolean>> sameStep = java.util.Collections.nCopies(8,
                () -> store.admins().recordTotpStep(A, alice.id(), 7));

        assertThat(race(sameStep)).containsOnlyOnce(true);
    }

    @Test
    void adminDeleteWhenCalledThenOnlyThatAdminRemovedAndItsSessionsEnded() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        Admin bob = admin(A, "bob", 0);
        store.admins().insert(alice);
        store.admins().insert(bob);
        store.adminSessions().insert(session(alice, "alice-1", T0, T0));
        store.adminSessions().insert(session(alice, "alice-2", T0, T0));
        AdminSession bobs = session(bob, "bob-1", T0, T0);
        store.adminSessions().insert(bobs);

        assertThat(store.admins().delete(A, alice.id())).isTrue();

        assertThat(store.admins().find(A, alice.id())).isEmpty();
        assertThat(store.admins().list(A)).containsExactly(bob);
        assertThat(store.adminSessions().find("alice-1")).isEmpty();
        assertThat(store.adminSessions().find("alice-2")).isEmpty();
        assertThat(store.adminSessions().find("bob-1")).contains(bobs);
        assertThat(store.admins().delete(A, alice.id())).isFalse();
    }

    // ---------------------------------------------------------------- admin sessions

    @Test
    void adminSessionWhenStoredAndReadThenEveryFieldRoundTrips() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        AdminSession full = new AdminSession("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", A, alice.id(),
                "csrf-token-1", "2001:db8::1", T0, T0.plusSeconds(30).plusNanos(1));
        AdminSession noAddress = new AdminSession("other-hash", A, alice.id(), "csrf-token-2", null, T0.plusNanos(3),
                T0.plusNanos(3));

        store.adminSessions().insert(full);
        store.adminSessions().insert(noAddress);

        assertThat(store.adminSessions().find(full.idHash())).contains(full);
        assertThat(store.adminSessions().find(noAddress.idHash())).contains(noAddress);
        assertThat(store.adminSessions().find("missing")).isEmpty();
    }

    @Test
    void adminSessionInsertWhenIdHashTakenThenDuplicate() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        AdminSession first = session(alice, "same", T0, T0);
        store.adminSessions().insert(first);

        assertThatThrownBy(() -> store.adminSessions().insert(session(alice, "same", T0.plusSeconds(1), T0)))
                .isInstanceOf(DuplicateException.class);
        assertThat(store.adminSessions().find("same")).contains(first);
    }

    @Test
    void adminSessionWhenUnknownAdminThenStoreException() {
        insertTenant(A);

        assertThatThrownBy(() -> store.adminSessions().insert(session(admin(A, "ghost", 0), "h", T0, T0)))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(DuplicateException.class);
    }

    @Test
    void adminSessionTouchWhenCalledThenActivityRecordedAndNothingElseChanged() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        AdminSession session = session(alice, "h", T0, T0);
        store.adminSessions().insert(session);

        assertThat(store.adminSessions().touch("h", T0.plusSeconds(60).plusNanos(9))).isTrue();

        assertThat(store.adminSessions().find("h")).contains(new AdminSession("h", A, alice.id(),
                session.csrfToken(), session.address(), T0, T0.plusSeconds(60).plusNanos(9)));
        assertThat(store.adminSessions().touch("missing", T0)).isFalse();
    }

    @Test
    void adminSessionDeleteWhenCalledThenOnlyThatSessionRemoved() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        store.adminSessions().insert(session(alice, "one", T0, T0));
        store.adminSessions().insert(session(alice, "two", T0, T0));

        assertThat(store.adminSessions().delete("one")).isTrue();

        assertThat(store.adminSessions().find("one")).isEmpty();
        assertThat(store.adminSessions().find("two")).isPresent();
        assertThat(store.adminSessions().delete("one")).isFalse();
    }

    @Test
    void adminSessionDeleteForAdminWhenCalledThenEveryOneOfTheirsEndedAndCounted() {
        insertTenant(A);
        insertTenant(B);
        Admin alice = admin(A, "alice", 0);
        Admin bob = admin(A, "bob", 0);
        store.admins().insert(alice);
        store.admins().insert(bob);
        store.adminSessions().insert(session(alice, "alice-1", T0, T0));
        store.adminSessions().insert(session(alice, "alice-2", T0, T0));
        store.adminSessions().insert(session(bob, "bob-1", T0, T0));

        assertThat(store.adminSessions().deleteForAdmin(B, alice.id())).isZero();
        assertThat(store.adminSessions().deleteForAdmin(A, alice.id())).isEqualTo(2);

        assertThat(store.adminSessions().find("alice-1")).isEmpty();
        assertThat(store.adminSessions().find("alice-2")).isEmpty();
        assertThat(store.adminSessions().find("bob-1")).isPresent();
        assertThat(store.adminSessions().deleteForAdmin(A, alice.id())).isZero();
    }

    @Test
    void adminSessionDeleteExpiredWhenIdleOrCreatedBeforeTheLimitsThenRemoved() {
        insertTenant(A);
        Admin alice = admin(A, "alice", 0);
        store.admins().insert(alice);
        Instant idleBefore = T0.plusSeconds(100);
        Instant createdBefore = T0.plusSeconds(10);
        AdminSession idle = session(alice, "idle", T0.plusSeconds(20), idleBefore.minusNanos(1));
        AdminSession old = session(alice, "old", createdBefore.minusNanos(1), idleBefore.plusSeconds(1));
        AdminSession atBothLimits = session(alice, "at-limits", createdBefore, idleBefore);
        AdminSession fresh = session(alice, "fresh", T0.plusSeconds(50), T0.plusSeconds(200));
        for (AdminSession s : List.of(idle, old, atBothLimits, fresh)) {
            store.adminSessions().insert(s);
        }

        assertThat(store.adminSessions().deleteExpired(idleBefore, createdBefore)).isEqualTo(2);

        assertThat(store.adminSessions().find("idle")).isEmpty();
        assertThat(store.adminSessions().find("old")).isEmpty();
        assertThat(store.adminSessions().find("at-limits")).contains(atBothLimits);
        assertThat(store.adminSessions().find("fresh")).contains(fresh);
        assertThat(store.adminSessions().deleteExpired(idleBefore, createdBefore)).isZero();
    }

    // ---------------------------------------------------------------- audit log

    @Test
    void auditEventWhenStoredAndReadThenEveryFieldRoundTripsAndGetsAnId() {
        AuditEvent full = new AuditEvent(0, A, T0, Actor.Kind.ADMIN, UUID.randomUUID().toString(), "alice",
                "client.update", "svc-billing", "svc-billing", "203.0.113.7",
                "{\"name\":\"Billing\",\"secret\":\"***\"}", "{\"name\":\"Billing – ünïcode\"}", "renamed");
        AuditEvent bare = new AuditEvent(0, A, T0.plusNanos(1), Actor.Kind.CLI, "cli", null, "tenant.create", null,
                null, null, null, null, null);

        store.audit().append(List.of(full, bare));

        List<AuditEvent> stored = store.audit().query(A, AuditRepository.Filter.ALL, 0, 10);
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).id()).isGreaterThan(stored.get(1).id()).isGreaterThan(0);
        assertThat(stored.get(0)).isEqualTo(bare.withId(stored.get(0).id()));
        assertThat(stored.get(1)).isEqualTo(full.withId(stored.get(1).id()));
    }

    @ParameterizedTest
    @EnumSource(Actor.Kind.class)
    void auditEventWhenEveryActorKindThenEachRoundTrips(Actor.Kind kind) {
        store.audit().append(List.of(event(A, T0, kind, "id", "name", "some.action", null)));

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10))
                .singleElement().extracting(AuditEvent::actorKind).isEqualTo(kind);
    }

    @Test
    void auditAppendWhenNothingThenNothingWritten() {
        store.audit().append(List.of());

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).isEmpty();
    }

    @Test
    void auditEventsWhenNoTenantRowOrTenantDeletedThenStoredAndOutliveTheirTenant() throws SQLException {
        insertTenant(A);
        store.audit().append(List.of(event(A, T0, "tenant.create"), event(B, T0, "tenant.create")));

        try (Connection c = ((JdbcStore) store).dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM tenants");
        }

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).hasSize(1);
        assertThat(store.audit().query(B, AuditRepository.Filter.ALL, 0, 10)).hasSize(1);
    }

    @Test
    void auditAppendWhenValuesOverLongThenCutToTheirColumnsRatherThanFailTheBatch() {
        String longId = "x".repeat(1000);
        // A supplementary character straddling the limit is dropped whole, never split.
        String detail = "d".repeat(499) + "\uD83D\uDE00" + "tail";
        AuditEvent tooLong = new AuditEvent(0, A, T0, Actor.Kind.CLIENT, longId, "n".repeat(1000),
                "token.refused", longId, "t".repeat(1000), "a".repeat(1000), "{}", "{}", detail);
        AuditEvent normal = event(A, T0.plusNanos(1), "token.issued");

        store.audit().append(List.of(tooLong, normal));

        List<AuditEvent> stored = store.audit().query(A, AuditRepository.Filter.ALL, 0, 10);
        assertThat(stored).hasSize(2);
        AuditEvent cut = stored.get(1);
        assertThat(cut.actorId()).isEqualTo("x".repeat(128));
        assertThat(cut.clientId()).isEqualTo("x".repeat(128));
        assertThat(cut.actorName()).isEqualTo("n".repeat(200));
        assertThat(cut.target()).isEqualTo("t".repeat(200));
        assertThat(cut.address()).isEqualTo("a".repeat(64));
        assertThat(cut.detail()).isEqualTo("d".repeat(499));
    }

    @Test
    void auditAppendWhenInsideATransactionThenCommitsAndRollsBackWithIt() {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            insertTenant(A);
            store.audit().append(List.of(event(A, T0, "client.create")));
            throw new IllegalStateException("the change failed");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).isEmpty();

        store.inTransaction(() -> {
            insertTenant(A);
            store.audit().append(List.of(event(A, T0, "client.create")));
        });

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).hasSize(1);
    }

    @Test
    void auditQueryWhenSeveralTenantsThenNewestFirstByTimeThenByIdAndOnlyThatTenantsEvents() {
        AuditEvent oldest = event(A, T0, "a.first");
        AuditEvent tieWrittenFirst = event(A, T0.plusNanos(1), "a.tie1");
        AuditEvent tieWrittenSecond = event(A, T0.plusNanos(1), "a.tie2");
        AuditEvent newest = event(A, T0.plusSeconds(1), "a.last");
        store.audit().append(List.of(newest, tieWrittenFirst));
        store.audit().append(List.of(oldest, tieWrittenSecond, event(B, T0.plusSeconds(5), "b.other")));

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).extracting(AuditEvent::action)
                .containsExactly("a.last", "a.tie2", "a.tie1", "a.first");
        assertThat(store.audit().query(B, AuditRepository.Filter.ALL, 0, 10)).extracting(AuditEvent::action)
                .containsExactly("b.other");
    }

    @Test
    void auditQueryWhenPagedThenThroughTheNewestFirstOrder() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(event(A, T0.plusSeconds(i), "e." + i));
        }
        store.audit().append(events);

        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 10)).extracting(AuditEvent::action)
                .containsExactly("e.24", "e.23", "e.22", "e.21", "e.20", "e.19", "e.18", "e.17", "e.16", "e.15");
        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 20, 10)).extracting(AuditEvent::action)
                .containsExactly("e.4", "e.3", "e.2", "e.1", "e.0");
        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 25, 10)).isEmpty();
        assertThat(store.audit().query(A, AuditRepository.Filter.ALL, 0, 0)).isEmpty();
    }

    @Test
    void auditQueryWhenANegativeOffsetOrLimitThenIllegalArgument() {
        assertThatThrownBy(() -> store.audit().query(A, AuditRepository.Filter.ALL, -1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.audit().query(A, AuditRepository.Filter.ALL, 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void auditQueryWhenFilteredByActorThenByActorIdOrActorName() {
        store.audit().append(List.of(
                event(A, T0, Actor.Kind.ADMIN, "id-alice", "alice", "by.alice", null),
                event(A, T0, Actor.Kind.CLIENT, "svc-1", "Billing", "by.billing", "svc-1"),
                event(A, T0, Actor.Kind.ADMIN, "id-bob", "bob", "by.bob", null)));

        assertThat(actions(A, filter("id-alice", null, null, null, null))).containsExactly("by.alice");
        assertThat(actions(A, filter("alice", null, null, null, null))).containsExactly("by.alice");
        assertThat(actions(A, filter("Billing", null, null, null, null))).containsExactly("by.billing");
        assertThat(actions(A, filter("billing", null, null, null, null))).isEmpty();
        assertThat(actions(A, filter("id-", null, null, null, null))).isEmpty();
    }

    @Test
    void auditQueryWhenFilteredByClientThenOnlyThatClientsEvents() {
        store.audit().append(List.of(
                event(A, T0, Actor.Kind.CLIENT, "svc-1", "One", "token.issued", "svc-1"),
                event(A, T0, Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1"),
                event(A, T0, Actor.Kind.CLIENT, "svc-2", "Two", "token.other", "svc-2"),
                event(A, T0, Actor.Kind.ADMIN, "id-alice", "alice", "scope.create", null)));

        assertThat(actions(A, filter(null, "svc-1", null, null, null)))
                .containsExactlyInAnyOrder("token.issued", "client.update");
        assertThat(actions(A, filter(null, "svc-", null, null, null))).isEmpty();
    }

    @Test
    void auditQueryWhenFilteredByActionThenExactMatchOnly() {
        store.audit().append(List.of(event(A, T0, "client.create"), event(A, T0, "client.create.extra"),
                event(A, T0, "client"), event(A, T0, "client.delete")));

        assertThat(actions(A, filter(null, null, "client.create", null, null))).containsExactly("client.create");
        assertThat(actions(A, filter(null, null, "client", null, null))).containsExactly("client");
        assertThat(actions(A, filter(null, null, "client.cre", null, null))).isEmpty();
    }

    @Test
    void auditQueryWhenTheActionFilterEndsInADotThenFiltersByActionPrefix() {
        store.audit().append(List.of(event(A, T0, "client.create"), event(A, T0, "client.secret.rotate"),
                event(A, T0, "client"), event(A, T0, "clients.x"), event(A, T0, "scope.create"),
                event(A, T0, "a_b.c"), event(A, T0, "axb.c"), event(A, T0, "a%.c"), event(A, T0, "a!.c")));

        assertThat(actions(A, filter(null, null, "client.", null, null)))
                .containsExactlyInAnyOrder("client.create", "client.secret.rotate");
        assertThat(actions(A, filter(null, null, "client.secret.", null, null)))
                .containsExactly("client.secret.rotate");
        // LIKE's wildcards in a filter are plain characters.
        assertThat(actions(A, filter(null, null, "a_b.", null, null))).containsExactly("a_b.c");
        assertThat(actions(A, filter(null, null, "a%.", null, null))).containsExactly("a%.c");
        assertThat(actions(A, filter(null, null, "a!.", null, null))).containsExactly("a!.c");
    }

    @Test
    void auditQueryWhenFilteredByTimeThenFromInclusiveToExclusive() {
        store.audit().append(List.of(event(A, T0.minusNanos(1), "before"), event(A, T0, "at-from"),
                event(A, T0.plusSeconds(10).minusNanos(1), "last-inside"), event(A, T0.plusSeconds(10), "at-to")));

        assertThat(actions(A, filter(null, null, null, T0, T0.plusSeconds(10))))
                .containsExactly("last-inside", "at-from");
        assertThat(actions(A, filter(null, null, null, T0, null)))
                .containsExactly("at-to", "last-inside", "at-from");
        assertThat(actions(A, filter(null, null, null, null, T0))).containsExactly("before");
    }

    @Test
    void auditQueryWhenEveryFilterGivenThenTheyCombine() {
        store.audit().append(List.of(
                event(A, T0, Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-bob", "bob", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-2"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "scope.create", "svc-1"),
                event(B, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1")));

        List<AuditEvent> found = store.audit().query(A,
                filter("alice", "svc-1", "client.", T0.plusNanos(1), T0.plusSeconds(2)), 0, 10);

        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.at()).isEqualTo(T0.plusSeconds(1));
            assertThat(e.actorId()).isEqualTo("id-alice");
            assertThat(e.clientId()).isEqualTo("svc-1");
            assertThat(e.tenantId()).isEqualTo(A);
        });
    }

    @Test
    void auditCountWhenSeveralTenantsThenEveryMatchingEventOfThatTenantOnlyCounted() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(event(A, T0.plusSeconds(i), "e." + i));
        }
        events.add(event(B, T0, "b.other"));
        store.audit().append(events);

        assertThat(store.audit().count(A, AuditRepository.Filter.ALL)).isEqualTo(25);
        assertThat(store.audit().count(B, AuditRepository.Filter.ALL)).isEqualTo(1);
        assertThat(store.audit().count(TenantId.of("tenant-c"), AuditRepository.Filter.ALL)).isZero();
    }

    @Test
    void auditCountWhenFilteredThenTheSameFiltersAsQueryApply() {
        store.audit().append(List.of(
                event(A, T0, Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-bob", "bob", "client.update", "svc-1"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-2"),
                event(A, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "scope.create", null),
                event(A, T0.plusSeconds(2), Actor.Kind.ADMIN, "id-alice", "alice", "a_b.c", null),
                event(A, T0.plusSeconds(2), Actor.Kind.ADMIN, "id-alice", "alice", "axb.c", null),
                event(B, T0.plusSeconds(1), Actor.Kind.ADMIN, "id-alice", "alice", "client.update", "svc-1")));

        for (AuditRepository.Filter f : List.of(AuditRepository.Filter.ALL,
                filter("alice", null, null, null, null), filter("id-bob", null, null, null, null),
                filter(null, "svc-1", null, null, null), filter(null, null, "client.", null, null),
                filter(null, null, "client.update", null, null), filter(null, null, "a_b.", null, null),
                filter(null, null, null, T0.plusNanos(1), T0.plusSeconds(2)),
                filter("alice", "svc-1", "client.", T0.plusNanos(1), T0.plusSeconds(2)),
                filter("nobody", null, null, null, null))) {
            assertThat(store.audit().count(A, f)).as("%s", f)
                    .isEqualTo(store.audit().query(A, f, 0, 100).size());
        }
        assertThat(store.audit().count(A, filter("alice", "svc-1", "client.", T0.plusNanos(1), T0.plusSeconds(2))))
                .isEqualTo(1);
        assertThat(store.audit().count(A, filter(null, null, "a_b.", null, null))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- token counts

    private static final Instant MINUTE = Instant.parse("2026-03-01T10:15:00Z");

    private static TokenCountRepository.Count count(TenantId tenant, String client, Instant minute,
                                                    TokenCountRepository.Outcome outcome, long n) {
        return new TokenCountRepository.Count(tenant, client, minute, outcome, n);
    }

    private static final TokenCountRepository.Outcome ISSUED = TokenCountRepository.Outcome.ISSUED;
    private static final TokenCountRepository.Outcome REFUSED = TokenCountRepository.Outcome.REFUSED;

    @Test
    void tokenCountsWhenAddedThenCountedPerBucketForTheClientOutcomeAndRangeOnly() {
        Duration minute = Duration.ofMinutes(1);
        store.tokenCounts().add(List.of(
                count(A, "svc-1", MINUTE, ISSUED, 2),                                   // bucket 0
                count(A, "svc-1", MINUTE.plus(minute), ISSUED, 1),                      // bucket 1
                count(A, "svc-1", MINUTE.plus(minute.multipliedBy(4)), ISSUED, 5),      // bucket 4
                count(A, "svc-1", MINUTE.minus(minute), ISSUED, 100),                   // before the range
                count(A, "svc-1", MINUTE.plus(minute.multipliedBy(5)), ISSUED, 100),    // at the end: excluded
                count(A, "svc-2", MINUTE, ISSUED, 100),                                 // another client
                count(B, "svc-1", MINUTE, ISSUED, 100),                                 // another tenant
                count(A, "svc-1", MINUTE, REFUSED, 3)));                                // another outcome

        assertThat(store.tokenCounts().perBucket(A, "svc-1", ISSUED, MINUTE, MINUTE.plus(minute.multipliedBy(5)),
                minute)).containsExactly(2, 1, 0, 0, 5);
        assertThat(store.tokenCounts().perBucket(A, "svc-1", REFUSED, MINUTE, MINUTE.plus(Duration.ofHours(2)),
                Duration.ofHours(1))).containsExactly(3, 0);
        assertThat(store.tokenCounts().perBucket(A, "nobody", ISSUED, MINUTE, MINUTE, minute)).isEmpty();
    }

    @Test
    void tokenCountsWhenTheSameRowIsAddedAgainThenTheCountsAddUp() {
        store.tokenCounts().add(List.of(count(A, "svc-1", MINUTE, ISSUED, 2),
                count(A, TokenCountRepository.NO_CLIENT, MINUTE, REFUSED, 1)));
        store.tokenCounts().add(List.of(count(A, "svc-1", MINUTE, ISSUED, 3),
                count(A, TokenCountRepository.NO_CLIENT, MINUTE, REFUSED, 4)));

        assertThat(store.tokenCounts().perBucket(A, "svc-1", ISSUED, MINUTE, MINUTE.plusSeconds(60),
                Duration.ofMinutes(1))).containsExactly(5);
        assertThat(store.tokenCounts().perBucket(A, TokenCountRepository.NO_CLIENT, REFUSED, MINUTE,
                MINUTE.plusSeconds(60), Duration.ofMinutes(1))).containsExactly(5);
    }

    @Test
    void tokenCountsWhenNodesAddTheSameRowsConcurrentlyThenTheStoredSumsAreExact() throws Exception {
        int nodes = 6;
        int flushes = 40;
        CyclicBarrier start = new CyclicBarrier(nodes);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(nodes)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int f = 0; f < flushes; f++) {
                        // Each flush of each node touches the same rows, some of them new at that moment.
                        store.tokenCounts().add(List.of(count(A, "svc-1", MINUTE, ISSUED, 1),
                                count(A, "svc-1", MINUTE.plusSeconds(60L * (f / 4)), REFUSED, 2)));
                    }
                    return null;
                }));
            }
            for (var d : done) {
                d.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        assertThat(store.tokenCounts().perBucket(A, "svc-1", ISSUED, MINUTE, MINUTE.plusSeconds(3600),
                Duration.ofHours(1))).containsExactly((long) nodes * flushes);
        assertThat(store.tokenCounts().perBucket(A, "svc-1", REFUSED, MINUTE, MINUTE.plusSeconds(3600),
                Duration.ofHours(1))).containsExactly(2L * nodes * flushes);
    }

    @Test
    void tokenCountsWhenAnEmptyBucketOrBackwardRangeOrTooManyBucketsThenIllegalArgument() {
        assertThatThrownBy(() -> store.tokenCounts().perBucket(A, "svc-1", ISSUED, T0, T0.plusSeconds(60),
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.tokenCounts().perBucket(A, "svc-1", ISSUED, T0.plusSeconds(60), T0,
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.tokenCounts().perBucket(A, "svc-1", ISSUED, T0, T0.plus(Duration.ofDays(365)),
                Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenCountsDeleteBeforeWhenCalledThenOnlyOlderMinutesOfEveryTenantRemoved() {
        store.tokenCounts().add(List.of(count(A, "svc-1", MINUTE.minusSeconds(60), ISSUED, 1),
                count(B, "svc-1", MINUTE.minusSeconds(600), REFUSED, 1), count(A, "svc-1", MINUTE, ISSUED, 1)));

        assertThat(store.tokenCounts().deleteBefore(MINUTE)).isEqualTo(2);

        assertThat(store.tokenCounts().perBucket(A, "svc-1", ISSUED, MINUTE.minusSeconds(60), MINUTE.plusSeconds(60),
                Duration.ofMinutes(1))).containsExactly(0, 1);
    }

    @Test
    void auditDeleteBeforeWhenCalledThenOnlyOlderEventsOfEveryTenantRemoved() {
        store.audit().append(List.of(event(A, T0.minusNanos(1), "old"), event(B, T0.minusSeconds(99), "old"),
                event(A, T0, "kept"), event(B, T0.plusSeconds(1), "kept")));

        assertThat(store.audit().deleteBefore(T0)).isEqualTo(2);

        assertThat(actions(A, AuditRepository.Filter.ALL)).containsExactly("kept");
        assertThat(actions(B, AuditRepository.Filter.ALL)).containsExactly("kept");
        assertThat(store.audit().deleteBefore(T0)).isZero();
    }

    // ---------------------------------------------------------------- migrations

    @Test
    void migrationV4WhenTenantsExistThenTheAdminScopesDefinedInEveryOne() throws SQLException {
        store.close();
        StoreConfig config = config();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("3").load().migrate();
        try (Connection c = DriverManager.getConnection(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword()); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO tenants (id, name, signing_algorithm, allow_query_credentials, created_at_ns)"
                    + " VALUES ('tenant-a', 'A', 'ES256', FALSE, 0), ('tenant-b', 'B', 'ES256', FALSE, 0)");
            s.executeUpdate("INSERT INTO scopes (tenant_id, name, description)"
                    + " VALUES ('tenant-b', 'admin:view_audit', 'defined before V4')");
        }

        store = JdbcStore.open(config, TestKek.SHARED);

        List<ScopeDefinition> expected = List.of(
                new ScopeDefinition(Capability.MANAGE_ADMINS.scope(), "Admin API: manage admins and their capabilities"),
                new ScopeDefinition(Capability.MANAGE_CLIENT_CREDENTIALS.scope(), "Admin API: manage client credentials"),
                new ScopeDefinition(Capability.MANAGE_SCOPES.scope(), "Admin API: define and delete scopes"),
                new ScopeDefinition(Capability.MANAGE_USERS.scope(), "Admin API: manage the user directory"),
                new ScopeDefinition(Capability.VIEW_AUDIT.scope(), "Admin API: read the audit log"));
        assertThat(store.scopes().list(A)).containsExactlyElementsOf(expected);
        assertThat(store.scopes().list(B)).hasSize(5)
                .contains(new ScopeDefinition(Capability.VIEW_AUDIT.scope(), "defined before V4"));
    }

    @Test
    void migrationV6WhenClientsExistThenEveryOneKeepsIntrospectingAndTenantsListNothing() throws SQLException {
        store.close();
        StoreConfig config = config();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword()); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO tenants (id, name, signing_algorithm, allow_query_credentials, created_at_ns)"
                    + " VALUES ('tenant-a', 'A', 'ES256', FALSE, 0)");
            s.executeUpdate("INSERT INTO clients (client_id, tenant_id, name, allowed_scopes, default_scopes,"
                    + " audiences, authorities, token_ttl_seconds, auth_methods, enabled, builtin, created_at_ns,"
                    + " updated_at_ns) VALUES ('resource-server', 'tenant-a', 'Orders API', '', '', '', '', 3600,"
                    + " 'client_secret_basic', TRUE, NULL, 0, 0)");
        }

        store = JdbcStore.open(config, TestKek.SHARED);

        assertThat(store.clients().find(A, new ClientId("resource-server")).orElseThrow().introspection()).isTrue();
        assertThat(store.tenants().find(A).orElseThrow().settings().allowedAuthorities()).isEmpty();
        assertThat(store.tenants().find(A).orElseThrow().settings().allowedAudiences()).isEmpty();
        ClientCredential created = client(A, "created-after", T0, List.of());
        store.clients().insert(created);
        assertThat(store.clients().find(A, created.clientId()).orElseThrow().introspection()).isFalse();
    }

    @Test
    void migrationV8WhenTokenEventsWereAuditedThenTheyAreCountedPerMinute() throws SQLException {
        store.close();
        StoreConfig config = config();
        // An installation at V7 with token events in its audit log; migrating only the shared folder
        // to 7 keeps PostgreSQL's own later migrations (V10) pending too, as on a real upgrade.
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("7").load().migrate();
        try (Connection c = DriverManager.getConnection(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword())) {
            for (AuditEvent event : List.of(issued(A, "svc-1", MINUTE.plusSeconds(1)),
                    issued(A, "svc-1", MINUTE.plusSeconds(59)), issued(A, "svc-1", MINUTE.plusSeconds(61)),
                    event(A, MINUTE.plusSeconds(2), Actor.Kind.CLIENT, "unknown", "unknown", "token.refused", null),
                    event(A, MINUTE.plusSeconds(3), Actor.Kind.ADMIN, "id-a", "alice", "client.update", "svc-1"))) {
                try (var insert = c.prepareStatement("INSERT INTO audit_events (tenant_id, at_ns, actor_kind,"
                        + " actor_id, actor_name, action, client_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, event.tenantId().value());
                    insert.setLong(2, event.at().getEpochSecond() * 1_000_000_000L + event.at().getNano());
                    insert.setString(3, event.actorKind().name());
                    insert.setString(4, event.actorId());
                    insert.setString(5, event.actorName());
                    insert.setString(6, event.action());
                    insert.setString(7, event.clientId());
                    insert.executeUpdate();
                }
            }
        }

        store = JdbcStore.open(config, TestKek.SHARED);

        assertThat(store.tokenCounts().perBucket(A, "svc-1", ISSUED, MINUTE, MINUTE.plusSeconds(120),
                Duration.ofMinutes(1))).containsExactly(2, 1);
        assertThat(store.tokenCounts().perBucket(A, TokenCountRepository.NO_CLIENT, REFUSED, MINUTE,
                MINUTE.plusSeconds(120), Duration.ofMinutes(1))).containsExactly(1, 0);
    }

    @Test
    void migrationV12WhenTenantsExistThenTheirKeysKeepRotatingOnlyByHand() throws SQLException {
        store.close();
        StoreConfig config = config();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .cleanDisabled(false).load().clean();
        Flyway.configure().dataSource(config.connectionUrl(), config.connectionUser(), config.connectionPassword())
                .locations("classpath:db/migration").target("8").load().migrate();
        try (Connection c = DriverManager.getConnection(config.connectionUrl(), config.connectionUser(),
                config.connectionPassword()); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO tenants (id, name, signing_algorithm, allow_query_credentials, created_at_ns)"
                    + " VALUES ('tenant-a', 'A', 'ES256', FALSE, 0)");
        }

        store = JdbcStore.open(config, TestKek.SHARED);

        assertThat(store.tenants().find(A).orElseThrow().settings().keyRotationInterval()).isNull();
        store.tenants().insert(new Tenant(B, "B", TenantSettings.DEFAULTS, T0));
        assertThat(store.tenants().find(B).orElseThrow().settings().keyRotationInterval())
                .isEqualTo(TenantSettings.DEFAULT_KEY_ROTATION_INTERVAL);
    }

    // ---------------------------------------------------------------- transactions

    @Test
    void transactionWhenSeveralCallsThenCommitsThemTogetherAndReturnsTheResult() {
        String result = store.inTransaction(() -> {
            insertEverything(A);
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertEverythingPresent(A);
    }

    @Test
    void transactionWhenWorkThrowsThenEveryInsertIsRolledBack() throws SQLException {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            insertEverything(A);
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

        assertNothingStored();
    }

    @Test
    void transactionWhenAStoreCallFailsThenEarlierCallsAreRolledBack() throws SQLException {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            insertEverything(A);
            store.tenants().insert(tenant(A));
        })).isInstanceOf(DuplicateException.class);

        assertNothingStored();
    }

    @Test
    void nestedTransactionWhenTheOuterOneRollsBackThenJoinedAndRolledBackWithIt() throws SQLException {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            store.inTransaction(() -> insertEverything(A));
            assertEverythingPresent(A);
            throw new IllegalStateException("outer fails after inner finished");
        })).isInstanceOf(IllegalStateException.class);

        assertNothingStored();
    }

    @Test
    void nestedTransactionWhenItEndsThenCommitsOnlyWithTheOuterOne() throws Exception {
        CountDownLatch innerDone = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<Tenant>> seenByOther = other.submit(() -> {
                innerDone.await();
                try {
                    return store.tenants().find(A);
                } finally {
                    checked.countDown();
                }
            });
            store.inTransaction(() -> {
                store.inTransaction(() -> insertTenant(A));
                innerDone.countDown();
                await(checked);
            });

            assertThat(seenByOther.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(store.tenants().find(A)).isPresent();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void nestedTransactionWhenItFailsThenTheOuterOneIsDoomedEvenIfTheFailureIsCaught() throws SQLException {
        assertThatThrownBy(() -> store.inTransaction(() -> {
            insertTenant(A);
            try {
                store.inTransaction(() -> {
                    store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), ""));
                    throw new IllegalStateException("inner");
                });
            } catch (IllegalStateException expected) {
                // swallowed on purpose
            }
        })).isInstanceOf(StoreException.class).hasMessageContaining("nested");

        assertNothingStored();
    }

    @Test
    void duplicateWhenCaughtInsideATransactionThenItStaysUsable() {
        store.inTransaction(() -> {
            insertTenant(A);
            assertThatThrownBy(() -> insertTenant(A)).isInstanceOf(DuplicateException.class);
            store.scopes().insert(A, new ScopeDefinition(new ScopeName("read"), ""));
        });

        assertThat(store.tenants().find(A)).isPresent();
        assertThat(store.scopes().list(A)).hasSize(1);
    }

    @Test
    void staleKeyRotationWhenInsideATransactionThenUndoneAloneAndTheTransactionGoesOn() {
        insertTenant(A);
        KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0).forEach(store.keys()::insert);
        KeyRotation.Plan plan = KeyRotation.rotate(store.keys().list(A), SigningAlgorithm.ES256,
                Duration.ofHours(1), T0.plusSeconds(60));
        store.keys().apply(plan);
        List<SigningKey> rotated = store.keys().list(A);

        boolean applied = store.inTransaction(() -> {
            insertTenant(B);
            return store.keys().apply(plan);
        });

        assertThat(applied).isFalse();
        assertThat(store.keys().list(A)).isEqualTo(rotated);
        assertThat(store.tenants().find(B)).isPresent();
    }

    @Test
    void transactionWhenUncommittedThenInvisibleToOtherThreadsUntilItCommits() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            store.inTransaction(() -> {
                insertTenant(A);
                assertThat(store.tenants().find(A)).isPresent();
                Optional<Tenant> seen = get(other.submit(() -> store.tenants().find(A)));
                assertThat(seen).isEmpty();
            });
            assertThat(get(other.submit(() -> store.tenants().find(A)))).isPresent();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void transactionsWhenDoneThenTheirConnectionsGoBackToThePool() {
        try (Store small = JdbcStore.open(config().withPoolSize(2), TestKek.SHARED)) {
            assertTimeout(Duration.ofSeconds(20), () -> {
                for (int i = 0; i < 20; i++) {
                    int n = i;
                    try {
                        small.inTransaction(() -> {
                            small.installation().putIfAbsent("n" + n, bytes("v"));
                            if (n % 2 == 0) {
                                throw new IllegalStateException("fail " + n);
                            }
                        });
                    } catch (IllegalStateException expected) {
                        // every other one fails on purpose
                    }
                }
                assertThat(small.installation().find("n1")).isPresent();
                assertThat(small.installation().find("n0")).isEmpty();
            });
        }
    }

    // ---------------------------------------------------------------- the store itself

    @Test
    void everythingWhenTheStoreClosedAndReopenedThenSurvives() {
        Tenant tenant = new Tenant(A, "Persistent", new TenantSettings(SigningAlgorithm.PS256, true, "aud"), T0);
        store.tenants().insert(tenant);
        ScopeDefinition scope = new ScopeDefinition(new ScopeName("read"), "Read");
        store.scopes().insert(A, scope);
        ClientCredential client = client(A, "kept", T0, List.of(secret(T0, null), secret(T0, T0.plusSeconds(9))));
        store.clients().insert(client);
        List<SigningKey> keys = KeyRotation.initialKeys(A, SigningAlgorithm.ES256, T0);
        keys.forEach(store.keys()::insert);
        byte[] value = bytes("installation value");
        store.installation().putIfAbsent("key", value);

        store.close();
        store = JdbcStore.open(config(), TestKek.SHARED);

        assertThat(store.tenants().list()).containsExactly(tenant);
        assertThat(store.scopes().list(A)).containsExactly(scope);
        assertThat(store.clients().list(A)).containsExactly(client);
        assertThat(store.keys().list(A)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(store.installation().find("key")).get().isEqualTo(value);
    }

    @Test
    void callsWhenAfterCloseThenStoreException() {
        store.close();
        store.close();

        assertThatThrownBy(() -> store.tenants().list()).isInstanceOf(StoreException.class);
    }

    // ---------------------------------------------------------------- helpers

    protected static Tenant tenant(TenantId id) {
        return new Tenant(id, "Tenant " + id, TenantSettings.DEFAULTS, T0);
    }

    // ---------------------------------------------------------------- workload identity federation

    private static dev.tollgate.core.federation.TrustedIssuer trustedIssuer(String issuer, java.net.URI jwksUri) {
        return new dev.tollgate.core.federation.TrustedIssuer(issuer, jwksUri,
                java.util.Set.of(com.nimbusds.jose.JWSAlgorithm.RS256, com.nimbusds.jose.JWSAlgorithm.ES256),
                jwksUri == null ? "tollgate" : null, java.time.Duration.ofMinutes(30), T0);
    }

    @Test
    void trustedIssuerWhenStoredAndReadThenEveryFieldRoundTripsInItsTenantOnly() {
        insertTenant(A);
        insertTenant(B);
        var k8s = trustedIssuer("https://kubernetes.default.svc", java.net.URI.create("https://k8s.example/jwks"));
        var spiffe = trustedIssuer("https://oidc.example.org", null);
        store.federation().insertIssuer(A, k8s);
        store.federation().insertIssuer(A, spiffe);

        assertThat(store.federation().issuers(A)).containsExactlyInAnyOrder(k8s, spiffe);
        assertThat(store.federation().issuer(A, spiffe.issuer())).contains(spiffe);
        assertThat(store.federation().issuers(B)).isEmpty();
        assertThat(store.federation().issuer(B, k8s.issuer())).isEmpty();
    }

    @Test
    void trustedIssuerInsertWhenTheTenantTrustsItAlreadyThenDuplicate() {
        insertTenant(A);
        var k8s = trustedIssuer("https://kubernetes.default.svc", null);
        store.federation().insertIssuer(A, k8s);

        assertThatThrownBy(() -> store.federation().insertIssuer(A, k8s)).isInstanceOf(DuplicateException.class);
    }

    @Test
    void federatedIdentityWhenBoundTwiceThenTheSecondReplacesTheFirstAndDeletingTheClientUnbinds() {
        insertTenant(A);
        store.federation().insertIssuer(A, trustedIssuer("https://kubernetes.default.svc", null));
        ClientCredential client = client(A, "workload", T0, List.of());
        store.clients().insert(client);
        var first = new dev.tollgate.core.federation.FederatedIdentity("https://kubernetes.default.svc",
                "system:serviceaccount:prod:a", Map.of("kubernetes.io/namespace", "prod"));
        var second = new dev.tollgate.core.federation.FederatedIdentity("https://kubernetes.default.svc",
                "system:serviceaccount:prod:b", Map.of());

        store.federation().bind(A, client.clientId(), first);
        assertThat(store.federation().identity(A, client.clientId())).contains(first);
        store.federation().bind(A, client.clientId(), second);

        assertThat(store.federation().identity(A, client.clientId())).contains(second);
        assertThat(store.federation().identity(B, client.clientId())).isEmpty();
        assertThat(store.federation().clientsBoundTo(A, "https://kubernetes.default.svc")).isEqualTo(1);
        store.clients().delete(A, client.clientId());
        assertThat(store.federation().clientsBoundTo(A, "https://kubernetes.default.svc")).isZero();
        assertThat(store.federation().deleteIssuer(A, "https://kubernetes.default.svc")).isTrue();
        assertThat(store.federation().deleteIssuer(A, "https://kubernetes.default.svc")).isFalse();
    }

    protected Tenant insertTenant(TenantId id) {
        Tenant tenant = tenant(id);
        store.tenants().insert(tenant);
        return tenant;
    }

    protected static StoredSecret secret(Instant createdAt, Instant expiresAt) {
        return new StoredSecret(UUID.randomUUID().toString(), HASHER.hash(ClientSecret.generate()), createdAt,
                expiresAt);
    }

    protected static ClientCredential client(TenantId tenant, String id, Instant createdAt, List<StoredSecret> secrets) {
        return new ClientCredential(tenant, new ClientId(id), "Client " + id,
                ScopeSet.of("orders:read", "orders:write"), ScopeSet.of("orders:read"),
                List.of("https://api.example.com"), List.of("ROLE_USER"), Duration.ofSeconds(600),
                Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC, ClientAuthMethod.CLIENT_SECRET_POST), true, false, null,
                secrets, createdAt, createdAt.plusSeconds(1));
    }

    protected static Admin admin(TenantId tenant, String username, int second) {
        return new Admin(UUID.randomUUID().toString(), tenant, username, AdminRole.ADMIN, null, "hash-" + username,
                false, null, T0.plusSeconds(second), T0.plusSeconds(second));
    }

    protected static AdminSession session(Admin admin, String idHash, Instant createdAt, Instant lastSeenAt) {
        return new AdminSession(idHash, admin.tenantId(), admin.id(), "csrf-" + idHash, "192.0.2.1", createdAt,
                lastSeenAt);
    }

    protected static AuditEvent event(TenantId tenant, Instant at, String action) {
        return event(tenant, at, Actor.Kind.CLI, "cli", "cli", action, null);
    }

    protected static AuditEvent event(TenantId tenant, Instant at, Actor.Kind kind, String actorId, String actorName,
                                      String action, String clientId) {
        return new AuditEvent(0, tenant, at, kind, actorId, actorName, action, clientId, null, null, null, null, null);
    }

    private static AuditEvent issued(TenantId tenant, String clientId, Instant at) {
        return event(tenant, at, Actor.Kind.CLIENT, clientId, "Client " + clientId, "token.issued", clientId);
    }

    private static AuditRepository.Filter filter(String actor, String clientId, String action, Instant from,
                                                 Instant to) {
        return new AuditRepository.Filter(actor, clientId, action, from, to);
    }

    private List<String> actions(TenantId tenant, AuditRepository.Filter filter) {
        return store.audit().query(tenant, filter, 0, 100).stream().map(AuditEvent::action).toList();
    }

    private static ClientCredential builtin(TenantId tenant, String id, BuiltinClient kind) {
        return new ClientCredential(tenant, new ClientId(id), kind.displayName(), ScopeSet.EMPTY, ScopeSet.EMPTY,
                null, null, ClientCredential.DEFAULT_TOKEN_TTL, null, true, false, kind, null, T0, T0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One of each kind of row, for the transaction tests. */
    private void insertEverything(TenantId id) {
        insertTenant(id);
        store.scopes().insert(id, new ScopeDefinition(new ScopeName("read"), "Read"));
        store.clients().insert(client(id, "client-" + id, T0, List.of(secret(T0, null))));
        KeyRotation.initialKeys(id, SigningAlgorithm.ES256, T0).forEach(store.keys()::insert);
        store.installation().putIfAbsent("installed-" + id, bytes("v"));
    }

    private void assertEverythingPresent(TenantId id) {
        assertThat(store.tenants().find(id)).isPresent();
        assertThat(store.scopes().list(id)).hasSize(1);
        assertThat(store.clients().list(id)).singleElement().satisfies(c -> assertThat(c.secrets()).hasSize(1));
        assertThat(store.keys().list(id)).hasSize(2);
        assertThat(store.installation().find("installed-" + id)).isPresent();
    }

    private void assertNothingStored() throws SQLException {
        for (String table : TABLES) {
            assertThat(count(table)).as(table).isZero();
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = ((JdbcStore) store).dataSource().getConnection();
             Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }


    // ---------------------------------------------------------------- rules over several rows, under concurrency

    /*
     * Each race holds both callers between their check and their write (a barrier before the write), so
     * without a lock both pass the check and both write. With the lock the second caller waits for the
     * first before it checks, never reaches the barrier in time, and the first goes on after a short wait.
     */

    @Test
    void lastTwoAdminsWhenDeletedAndDemotedAtOnceThenOneIsRefusedAndAnAdminWithRoleAdminRemains() throws Exception {
        insertTenant(A);
        Admin first = admin(A, "first", 1);
        Admin second = admin(A, "second", 2);
        store.admins().insert(first);
        store.admins().insert(second);
        PausingStore paused = PausingStore.beforeWrites(store);
        AdminOperations operations = operations(paused.store());

        List<Object> outcomes = race(List.of(
                () -> outcome(() -> operations.administrators().delete(Actor.cli(A), A, first.id())),
                () -> outcome(() -> operations.administrators().update(Actor.cli(A), A, second.id(), AdminRole.ADDITIONAL_ADMIN,
                        Set.of(Capability.VIEW_AUDIT)))));

        assertThat(outcomes).filteredOn(o -> o instanceof AdminFailure.Conflict).hasSize(1);
        assertThat(store.admins().list(A)).filteredOn(a -> a.role() == AdminRole.ADMIN).hasSize(1);
    }

    @Test
    void createAdminsWhenUsernamesDifferOnlyInCaseAtOnceThenOneIsRefused() throws Exception {
        insertTenant(A);
        PausingStore paused = PausingStore.beforeWrites(store);
        AdminOperations operations = operations(paused.store());

        List<Object> outcomes = race(List.of(
                () -> outcome(() -> operations.administrators().create(Actor.cli(A), A, "Alice", AdminRole.ADMIN, null)),
                () -> outcome(() -> operations.administrators().create(Actor.cli(A), A, "alice", AdminRole.ADMIN, null))));

        assertThat(outcomes).filteredOn(o -> o instanceof AdminFailure.Conflict).hasSize(1);
        assertThat(store.admins().list(A)).hasSize(1);
    }

    @Test
    void deleteScopeWhenAClientIsGrantedItMeanwhileThenNoClientHoldsAnUndefinedScope() throws Exception {
        insertTenant(A);
        ScopeName scope = new ScopeName("reports.read");
        store.scopes().insert(A, new ScopeDefinition(scope, "Reports"));
        PausingStore paused = PausingStore.beforeWrites(store);
        paused.armed = false;
        AdminOperations operations = operations(paused.store());
        ClientCredential client = operations.clients().create(Actor.cli(A), A,
                ClientSpec.named("reporting", ScopeSet.EMPTY)).client();
        paused.armed = true;

        List<Object> outcomes = race(List.of(
                () -> outcome(() -> operations.scopes().delete(Actor.cli(A), A, scope)),
                () -> outcome(() -> operations.clients().update(Actor.cli(A), A, client.clientId(),
                        new ClientUpdate(null, ScopeSet.of(List.of(scope)), null, null, null, null, null)))));

        assertThat(outcomes).filteredOn(o -> o instanceof RuntimeException).hasSize(1);
        boolean defined = store.scopes().find(A, scope).isPresent();
        boolean granted = store.clients().find(A, client.clientId()).orElseThrow().allowedScopes().contains(scope);
        assertThat(granted && !defined).as("granted %s, defined %s", granted, defined).isFalse();
    }

    @Test
    void patchAdminWhenRoleAndCapabilitiesAtOnceThenNeitherChangeIsLost() throws Exception {
        insertTenant(A);
        store.admins().insert(admin(A, "keeper", 1));
        Admin target = new Admin(UUID.randomUUID().toString(), A, "target", AdminRole.ADDITIONAL_ADMIN,
                Set.of(Capability.VIEW_AUDIT), "hash-target", false, null, T0, T0);
        store.admins().insert(target);
        PausingStore paused = PausingStore.beforeWrites(store);
        // The capabilities patch writes last, so without a lock it writes back the role it read.
        paused.lateThread = "patch-capabilities";
        AdminOperations operations = operations(paused.store());

        race(List.of(
                () -> {
                    Thread.currentThread().setName("patch-capabilities");
                    return outcome(() -> operations.administrators().patch(Actor.cli(A), A, target.id(), null,
                            Set.of(Capability.MANAGE_SCOPES)));
                },
                () -> outcome(() -> operations.administrators().patch(Actor.cli(A), A, target.id(), AdminRole.ADMIN, null))));

        assertThat(store.admins().find(A, target.id()).orElseThrow().role()).isEqualTo(AdminRole.ADMIN);
    }

    private static AdminOperations operations(Store store) {
        Clock clock = Clock.systemUTC();
        return new AdminOperations(store, HASHER, new PasswordHasher(), new Revocations(store, clock),
                ChangeListener.NONE, clock);
    }

    /** What a call returned, or the exception it threw, so a race's outcomes can be counted. */
    private static Object outcome(Callable<?> call) {
        try {
            Object result = call.call();
            return result == null ? "done" : result;
        } catch (Exception e) {
            return e;
        }
    }

    private static Object outcome(Runnable call) {
        return outcome(() -> {
            call.run();
            return null;
        });
    }

    /**
     * The store seen through a pause before every admin, scope and client write: callers meet at a
     * barrier there (or give up on it after a second, when a lock keeps the other caller away).
     */
    static final class PausingStore {
        private static final Set<String> WRITES = Set.of("insert", "update", "delete");
        private final Store store;
        private final CyclicBarrier barrier = new CyclicBarrier(2);
        volatile boolean armed = true;
        volatile String lateThread;

        private PausingStore(Store delegate) {
            Map<String, Object> repositories = new HashMap<>();
            repositories.put("admins", pausing(AdminRepository.class, delegate.admins()));
            repositories.put("scopes", pausing(ScopeRepository.class, delegate.scopes()));
            repositories.put("clients", pausing(ClientRepository.class, delegate.clients()));
            this.store = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[]{Store.class},
                    (proxy, method, args) -> {
                        Object repository = repositories.get(method.getName());
                        if (repository != null && method.getParameterCount() == 0) {
                            return repository;
                        }
                        return invoke(method, delegate, args);
                    });
        }

        static PausingStore beforeWrites(Store delegate) {
            PausingStore paused = new PausingStore(delegate);
            return paused;
        }

        Store store() {
            return store;
        }

        private <T> T pausing(Class<T> type, T target) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                    (proxy, method, args) -> {
                        if (armed && WRITES.contains(method.getName())) {
                            pause();
                        }
                        return invoke(method, target, args);
                    }));
        }

        private void pause() throws InterruptedException {
            try {
                barrier.await(1, TimeUnit.SECONDS);
            } catch (BrokenBarrierException | TimeoutException e) {
                // The other caller is held by a lock: go on alone.
            }
            if (Thread.currentThread().getName().equals(lateThread)) {
                Thread.sleep(300);
            }
        }

        private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Runs every task at once on its own thread, and returns their results in order. */
    private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch ready = new CountDownLatch(tasks.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return task.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
