package dev.tollgate.core.store;

import dev.tollgate.core.admin.ChangeListener;

import java.util.function.Supplier;

/**
 * One store (embedded or PostgreSQL): its repositories and a way to run several of their calls
 * as one transaction.
 */
public interface Store extends AutoCloseable {

    TenantRepository tenants();

    ScopeRepository scopes();

    ClientRepository clients();

    SigningKeyRepository keys();

    InstallationRepository installation();

    /** The users API's user directory, per tenant. */
    UserRepository users();

    RevocationRepository revocations();

    /** Console admins of every tenant. */
    AdminRepository admins();

    AdminSessionRepository adminSessions();

    AuditRepository audit();

    /** Tokens issued and refused per client and minute: the issuance chart's numbers. */
    TokenCountRepository tokenCounts();

    /** Single-use identifiers (client assertions', DPoP proofs' jti) seen by any node, until they expire. */
    ReplayRepository replays();

    /** Workload identity federation: trusted issuers per tenant, and the identity each federated client is. */
    FederationRepository federation();

    /**
     * Failed client authentications per source address, shared by the nodes of one store. A store
     * that can't share them answers {@link FailureCountRepository#NONE}: each node then counts alone.
     */
    default FailureCountRepository clientAuthFailures() {
        return FailureCountRepository.NONE;
    }

    /**
     * Runs {@code work} so that every repository call it makes on this thread commits together or
     * not at all. Nested calls join the outer transaction; an exception that leaves a nested call
     * rolls back the whole transaction, even when an outer caller catches it.
     */
    <T> T inTransaction(Supplier<T> work);

    default void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Tells {@code listener} of the changes any process commits to this store, as they commit, where
     * the store can push them (PostgreSQL, on a thread of its own); elsewhere nothing, and caches rely
     * on their staleness bounds.
     *
     * @return what stops listening
     */
    default Runnable listenForChanges(ChangeListener listener) {
        return () -> {
        };
    }

    /** A short description for logs, e.g. {@code embedded H2 at ./data}; never contains a password. */
    String describe();

    @Override
    void close();
}
