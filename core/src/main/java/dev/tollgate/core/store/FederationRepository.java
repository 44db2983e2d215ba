package dev.tollgate.core.store;

import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

/** Workload identity federation: a tenant's trusted issuers, and which (issuer, subject) each client is. */
public interface FederationRepository {

    List<TrustedIssuer> issuers(TenantId tenant);

    Optional<TrustedIssuer> issuer(TenantId tenant, String issuer);

    /** @throws DuplicateException when the tenant trusts that issuer already */
    void insertIssuer(TenantId tenant, TrustedIssuer issuer);

    /** @return whether there was such an issuer */
    boolean deleteIssuer(TenantId tenant, String issuer);

    /** How many clients of the tenant are bound to the issuer. */
    int clientsBoundTo(TenantId tenant, String issuer);

    Optional<FederatedIdentity> identity(TenantId tenant, ClientId client);

    /** Binds the client to the identity, replacing any binding it had. */
    void bind(TenantId tenant, ClientId client, FederatedIdentity identity);
}
