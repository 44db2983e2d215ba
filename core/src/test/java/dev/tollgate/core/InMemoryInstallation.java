package dev.tollgate.core;

import dev.tollgate.testing.TestClock;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.admin.TestAdministration;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.cache.DirectoryInvalidation;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.ClientAuthenticator;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.core.token.TokenService;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a node wires, on an {@link InMemoryStore} and a {@link TestClock}: the
 * administration, the directory with its invalidation glue, and the token service.
 */
public final class InMemoryInstallation {

    public static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    public final TestClock clock = new TestClock(START);
    public final InMemoryStore store = new InMemoryStore();
    public final Directory directory = Directory.withDefaults(store);
    public final SecretHasher hasher;
    public final TestAdministration.Clients clients;
    public final TestAdministration.Tenants tenants;
    public final TestAdministration.Keys keys;
    public final TestAdministration.Scopes scopes;
    public final TokenService tokens;
    public final Revocations revocations;
    public final TokenIntrospector introspector;

    /** Administrative changes invalidate the directory at once, as in the server. */
    public InMemoryInstallation() {
        this(true);
    }

    private InMemoryInstallation(boolean invalidate) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 42);
        hasher = new SecretHasher(key);
        ChangeListener changes = invalidate ? new DirectoryInvalidation(directory) : ChangeListener.NONE;
        TestAdministration administration = new TestAdministration(store, hasher, changes, clock);
        clients = administration.clients;
        tenants = administration.tenants;
        keys = administration.keys;
        scopes = administration.scopes;
        tokens = new TokenService(directory, new ClientAuthenticator(hasher), InMemoryInstallation::issuer, clock);
        revocations = new Revocations(store, clock);
        introspector = new TokenIntrospector(directory, revocations, clock);
    }

    /** Administrative changes reach the token path only when a cache entry expires. */
    public static InMemoryInstallation withoutInvalidation() {
        return new InMemoryInstallation(false);
    }

    public static String issuer(TenantId tenant) {
        return "https://auth.tollgate.test/t/" + tenant.value();
    }

    /** A form-body request with no {@code scope} and no {@code resource}. */
    public TokenService.Outcome issue(TenantId tenant, String clientId, String secret) {
        return tokens.issue(request(tenant, clientId, secret, null, List.of(), false));
    }

    public static TokenService.Request request(TenantId tenant, String clientId, String secret, ScopeSet scopes,
                                               List<String> resources, boolean inQuery) {
        return new TokenService.Request(tenant,
                new PresentedCredentials(clientId, secret, ClientAuthMethod.CLIENT_SECRET_POST), scopes, resources,
                inQuery);
    }

    /** The JWKS an API would fetch now. */
    public JWKSet jwks(TenantId tenant) {
        return directory.keyRing(tenant).orElseThrow().publicJwks(clock.instant());
    }
}
