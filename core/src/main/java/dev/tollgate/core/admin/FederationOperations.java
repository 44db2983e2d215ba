package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

import static dev.tollgate.core.admin.Authorizer.authorize;
import static dev.tollgate.core.admin.Authorizer.requireOutranks;

/**
 * Workload identity federation (issue 14), for actors holding
 * {@link Capability#MANAGE_CLIENT_CREDENTIALS}: the tenant's trusted issuers, and the (issuer,
 * subject) pair each {@code federated_jwt} client is bound to. Each change and its audit event in
 * one transaction; the token path's caches are told after the commit.
 */
public final class FederationOperations {

    private final Store store;
    private final ClientAdministration clients;
    private final AuditTrail audit;
    private final ChangeListener changes;

    FederationOperations(Store store, ClientAdministration clients, AuditTrail audit, ChangeListener changes) {
        this.store = store;
        this.clients = clients;
        this.audit = audit;
        this.changes = changes;
    }

    public List<TrustedIssuer> issuers(Actor actor, TenantId tenant) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        return store.federation().issuers(tenant);
    }

    /** @throws AdminFailure.Conflict when the tenant trusts that issuer already */
    public TrustedIssuer addIssuer(Actor actor, TenantId tenant, TrustedIssuer issuer) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        try {
            store.inTransaction(() -> {
                store.federation().insertIssuer(tenant, issuer);
                audit.event(actor, AuditAction.FEDERATION_ISSUER_ADD, null, issuer.issuer(),
                        "jwks_uri=" + (issuer.jwksUri() == null ? "(discovery)" : issuer.jwksUri())
                                + " algorithms=" + issuer.algorithms() + " audience="
                                + (issuer.audience() == null ? "(tenant issuer)" : issuer.audience())
                                + " max_lifetime=" + issuer.maxLifetime().toSeconds() + "s");
            });
        } catch (DuplicateException e) {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.DUPLICATE,
                    "the tenant trusts issuer " + issuer.issuer() + " already; remove it first to change it");
        }
        changes.tenantChanged(tenant);
        return issuer;
    }

    /** @throws AdminFailure.Conflict when clients are still bound to it */
    public void removeIssuer(Actor actor, TenantId tenant, String issuer) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        store.inTransaction(() -> {
            int bound = store.federation().clientsBoundTo(tenant, issuer);
            if (bound > 0) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.IN_USE, bound + " client(s) are bound to"
                        + " issuer " + issuer + "; delete them or bind them elsewhere first");
            }
            if (!store.federation().deleteIssuer(tenant, issuer)) {
                throw new AdminFailure.NotFound("the tenant trusts no issuer " + issuer);
            }
            audit.event(actor, AuditAction.FEDERATION_ISSUER_REMOVE, null, issuer, null);
        });
        changes.tenantChanged(tenant);
    }

    public Optional<FederatedIdentity> identity(Actor actor, TenantId tenant, ClientId id) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        clients.get(tenant, id);
        return store.federation().identity(tenant, id);
    }

    /**
     * Binds a {@code federated_jwt} client to an (issuer, subject) pair of a trusted issuer.
     *
     * @throws AdminFailure.Conflict when the client is not a federated_jwt client
     * @throws AdminFailure.Invalid  when the tenant does not trust the issuer
     */
    public FederatedIdentity bind(Actor actor, TenantId tenant, ClientId id, FederatedIdentity identity) {
        authorize(actor, tenant, Capability.MANAGE_CLIENT_CREDENTIALS);
        store.inTransaction(() -> {
            ClientCredential client = clients.get(tenant, id);
            requireOutranks(actor, client);
            if (client.tokenEndpointAuthMethod() != ClientAuthMethod.FEDERATED_JWT) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "client " + id + " authenticates with "
                        + client.tokenEndpointAuthMethod().wireName() + "; only federated_jwt clients are bound to an issuer");
            }
            if (store.federation().issuer(tenant, identity.issuer()).isEmpty()) {
                throw AdminFailure.Invalid.of("issuer", "the tenant trusts no issuer " + identity.issuer()
                        + "; add it to the trusted issuers first");
            }
            store.federation().bind(tenant, id, identity);
            audit.event(actor, AuditAction.CLIENT_FEDERATION_BIND, id.value(), id.value(),
                    "issuer=" + identity.issuer() + " subject=" + identity.subject() + " claims=" + identity.claims());
        });
        changes.clientChanged(tenant, id);
        return identity;
    }
}
