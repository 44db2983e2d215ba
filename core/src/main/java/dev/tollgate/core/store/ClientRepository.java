package dev.tollgate.core.store;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

/** Client credentials with their secret hashes. A client belongs to exactly one tenant. */
public interface ClientRepository {

    /** @throws DuplicateException when the client id is taken (in any tenant) */
    void insert(ClientCredential client);

    /** The client only if it belongs to {@code tenant}. */
    Optional<ClientCredential> find(TenantId tenant, ClientId id);

    /** Ordered by creation time, then id. */
    List<ClientCredential> list(TenantId tenant);

    /** Replaces every field and the set of secrets. @return false when no such client in that tenant */
    boolean update(ClientCredential client);

    boolean delete(TenantId tenant, ClientId id);
}
