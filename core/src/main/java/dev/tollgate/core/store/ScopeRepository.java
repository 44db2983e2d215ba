package dev.tollgate.core.store;

import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.TenantId;

import java.util.List;
import java.util.Optional;

public interface ScopeRepository {

    /** @throws DuplicateException when the tenant already defines this scope */
    void insert(TenantId tenant, ScopeDefinition scope);

    Optional<ScopeDefinition> find(TenantId tenant, ScopeName name);

    /**
     * {@link #find}, locking the scope's row until the surrounding {@link Store#inTransaction} ends:
     * deleting a scope and granting it to a client both take it, so a scope can't be deleted while a
     * client is being granted it (each checks, then writes).
     */
    Optional<ScopeDefinition> findForUpdate(TenantId tenant, ScopeName name);

    /** Ordered by name. */
    List<ScopeDefinition> list(TenantId tenant);

    boolean delete(TenantId tenant, ScopeName name);
}
