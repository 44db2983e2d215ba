package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import com.nimbusds.jose.jwk.JWK;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.net.URI;
import java.time.Clock;
import java.util.function.UnaryOperator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static dev.tollgate.core.admin.Authorizer.authorize;
import static dev.tollgate.core.admin.Authorizer.requireHeld;
import static dev.tollgate.core.admin.Authorizer.requireOutranks;

/**
 * Client credentials, for actors holding {@link Capability#MANAGE_CLIENT_CREDENTIALS}: each change
 * and its audit event in one transaction, and the token path's caches told after the commit.
 */
public final class ClientOperations {

    /** Bounds the token-issuance chart, which the store answers with one array element per bucket. */
    public static final int MAX_BUCKETS = 10_000;

    /** How long the previous secret keeps working after a rotation unless the caller says otherwise. */
    public static final Duration DEFAULT_ROTATION_OVERLAP = Duration.ofHours(24);

    private final Store store;
    private final ClientAdministration clients;
    private final Revocations revocations;
    private final AuditTrail audit;
    private final ChangeListener changes;
    private final Clock clock;

    ClientOperations(Store store, ClientAdministration clients, Revocations revocations, AuditTrail audit,
                     ChangeListener changes, Clock clock) {
        this.store = store;
        this.clients = clients;
        this.revocations = revocations;
        this.audit = audit;
        this.changes = changes;
        this.clock = clock;
    }

    /** @param search case-insensitive substring of the name or client id; null or blank for all */
    public Page<ClientCredential> list(Actor actor, TenantId tenant, String search, int offset, int limit) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        Paging.require(offset, limit);
        List<ClientCredential> all = clients.list(tenant);
        if (search != null && !search.isBlank()) {
            String needle = search.strip().toLowerCase(Locale.ROOT);
            all = all.stream()
                    .filter(c -> c.name().toLowerCase(Locale.ROOT).contains(needle)
                            || c.clientId().value().toLowerCase(Locale.ROOT).contains(needle))
                    .toList();
        }
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        return new Page<>(all.subList(from, to), offset, limit, all.size());
    }

    public ClientCredential get(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        return clients.get(tenant, id);
    }

    public ClientWithSecret create(Actor actor, TenantId tenant, ClientSpec spec) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        requireHeld(actor, spec.allowedScopes(), dev.tollgate.core.scope.ScopeSet.EMPTY);
        ClientWithSecret created = store.inTransaction(() -> {
            ClientValueAllowList.require(actor, settings(tenant), spec.audiences(), spec.authorities(), null);
            ClientWithSecret client = clients.create(tenant, spec);
            audit.client(actor, AuditAction.CLIENT_CREATE, client.client().clientId(), null, client.client(), null);
            return client;
        });
        changes.clientChanged(tenant, created.client().clientId());
        return created;
    }

    /**
     * Disabling also revokes every token the client holds (the cutoff of {@link #revokeTokens}, its
     * {@code not_before} in the event's detail): a disabled client's tokens must not keep working
     * until they expire, and enabling it again must not bring them back.
     */
    public ClientCredential update(Actor actor, TenantId tenant, ClientId id, ClientUpdate update) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        Objects.requireNonNull(update, "update");
        record Updated(ClientCredential client, ClientTokenCutoff cutoff) {
        }
        Updated updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            if (update.allowedScopes() != null) {
                requireHeld(actor, update.allowedScopes(), before.allowedScopes());
            }
            ClientValueAllowList.require(actor, settings(tenant), update.audiences(), update.authorities(), before);
            ClientCredential after = clients.update(tenant, id, update);
            String action = AuditAction.CLIENT_UPDATE;
            if (before.enabled() != after.enabled()
                    && before.withEnabled(after.enabled(), after.updatedAt()).equals(after)) {
                action = after.enabled() ? AuditAction.CLIENT_ENABLE : AuditAction.CLIENT_DISABLE;
            }
            ClientTokenCutoff cutoff = before.enabled() && !after.enabled()
                    ? revocations.storeCutoff(tenant, id) : null;
            audit.client(actor, action, id, before, after, cutoff == null ? null : detail(cutoff));
            return new Updated(after, cutoff);
        });
        applyAfterCommit(updated.cutoff());
        // Again after the commit: the call inside the transaction fired before it, and a cache may have reloaded.
        changes.clientChanged(tenant, id);
        return updated.client();
    }

    private TenantSettings settings(TenantId tenant) {
        return store.tenants().find(tenant).map(Tenant::settings)
                .orElseThrow(() -> new AdminFailure.NotFound("no tenant " + tenant));
    }

    /** The audit detail of a change that revoked the client's tokens; the same words as client.revoke_tokens. */
    private static String detail(ClientTokenCutoff cutoff) {
        return "not_before=" + cutoff.notBefore();
    }

    /**
     * A cutoff takes effect in this process only once its transaction has committed: applied
     * before, a change refused later in the transaction (a default credential's delete) would
     * still have revoked the tokens here. Other processes read it from the store within
     * {@link Revocations#REFRESH_EVERY}.
     */
    private void applyAfterCommit(ClientTokenCutoff cutoff) {
        if (cutoff != null) {
            revocations.apply(cutoff);
        }
    }

    /** The previous secret keeps working for {@code overlap} (null: the default); zero ends it now. */
    public ClientWithSecret rotateSecret(Actor actor, TenantId tenant, ClientId id, Duration overlap) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        Duration keep = overlap == null ? DEFAULT_ROTATION_OVERLAP : overlap;
        if (keep.isNegative()) {
            throw AdminFailure.Invalid.of("overlap_seconds", "must not be negative");
        }
        ClientWithSecret rotated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientWithSecret after = clients.rotateSecret(tenant, id, keep);
            audit.client(actor, AuditAction.CLIENT_ROTATE_SECRET, id, before, after.client(),
                    "overlap_seconds=" + keep.toSeconds());
            return after;
        });
        changes.clientChanged(tenant, id);
        return rotated;
    }

    /** Ends a rotation's overlap early: only the newest secret works from now on. */
    public ClientCredential revokePreviousSecret(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientCredential after = clients.revokePreviousSecret(tenant, id);
            audit.client(actor, AuditAction.CLIENT_REVOKE_PREVIOUS_SECRET, id, before, after, null);
            return after;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /**
     * Adds public keys to a private_key_jwt client (a rotation: add the new key, switch the client,
     * remove the old one). A client that had a jwks_uri keeps only these inline keys.
     */
    public ClientCredential addKeys(Actor actor, TenantId tenant, ClientId id, List<JWK> keys) {
        return changeKeys(actor, tenant, id,
                current -> current.jwksUri() == null ? current.withKeys(keys) : ClientKeys.inline(keys),
                "added " + keys.stream().map(JWK::getKeyID).toList());
    }

    /** Removes one inline key by its kid. */
    public ClientCredential removeKey(Actor actor, TenantId tenant, ClientId id, String kid) {
        return changeKeys(actor, tenant, id, current -> current.withoutKey(kid), "removed " + kid);
    }

    /** Replaces the client's keys by the ones published at {@code uri}. */
    public ClientCredential setJwksUri(Actor actor, TenantId tenant, ClientId id, URI uri) {
        return changeKeys(actor, tenant, id, current -> ClientKeys.remote(uri), "jwks_uri=" + uri);
    }

    private ClientCredential changeKeys(Actor actor, TenantId tenant, ClientId id, UnaryOperator<ClientKeys> change,
                                        String detail) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientCredential after = clients.setKeys(tenant, id, change);
            audit.client(actor, AuditAction.CLIENT_KEYS_CHANGE, id, before, after, detail);
            return after;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /** Sets the client's RFC 8705 certificate subject and certificate-bound-token switch. */
    public ClientCredential setTls(Actor actor, TenantId tenant, ClientId id, ClientTls tls) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientCredential updated = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientCredential after = clients.setTls(tenant, id, tls);
            audit.client(actor, AuditAction.CLIENT_TLS_CHANGE, id, before, after,
                    tls.hasSubject() ? tls.subjectField().metadataName() + "=" + tls.subjectValue()
                            : "bound_tokens=" + tls.boundTokens());
            return after;
        });
        changes.clientChanged(tenant, id);
        return updated;
    }

    /** Revokes every token issued to the client until now; new ones are issued as before. */
    public ClientTokenCutoff revokeTokens(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientTokenCutoff cutoff = store.inTransaction(() -> {
            requireOutranks(actor, clients.get(tenant, id));
            ClientTokenCutoff stored = revocations.storeCutoff(tenant, id);
            audit.event(actor, AuditAction.CLIENT_REVOKE_TOKENS, id.value(), id.value(), detail(stored));
            return stored;
        });
        applyAfterCommit(cutoff);
        return cutoff;
    }

    /**
     * Deleting also revokes every token the client holds, as disabling does. The cutoff outlives
     * the client's row (client_token_cutoffs has no foreign key to clients) until those tokens
     * have expired, so a client created again under the same id doesn't inherit them.
     */
    public void delete(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        ClientTokenCutoff cutoff = store.inTransaction(() -> {
            ClientCredential before = clients.get(tenant, id);
            requireOutranks(actor, before);
            ClientTokenCutoff stored = revocations.storeCutoff(tenant, id);
            clients.delete(tenant, id);
            audit.client(actor, AuditAction.CLIENT_DELETE, id, before, null, detail(stored));
            return stored;
        });
        applyAfterCommit(cutoff);
        changes.clientChanged(tenant, id);
    }

    /**
     * Tokens issued to a client in {@code buckets} consecutive buckets ending now (the console's
     * 24-hour chart), to the minute: a minute counts in the bucket it starts in. Needs
     * MANAGE_CLIENT_CREDENTIALS or VIEW_AUDIT.
     */
    public long[] tokenIssuance(Actor actor, TenantId tenant, ClientId id, Duration bucket, int buckets) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS, Capability.VIEW_AUDIT);
        if (bucket == null || bucket.isNegative() || bucket.isZero()) {
            throw AdminFailure.Invalid.of("bucket_seconds", "must be positive");
        }
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw AdminFailure.Invalid.of("buckets", "must be between 1 and " + MAX_BUCKETS);
        }
        clients.get(tenant, id);
        Instant to = clock.instant();
        Instant from = to.minus(bucket.multipliedBy(buckets));
        return store.tokenCounts().perBucket(tenant, id.value(), TokenCountRepository.Outcome.ISSUED, from, to, bucket);
    }
}
