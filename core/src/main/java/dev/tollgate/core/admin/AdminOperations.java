package dev.tollgate.core.admin;

import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.Store;

import java.time.Clock;
import java.util.Objects;

/**
 * Every change to a tenant's state, for the admin API, the console, the CLI and the users API
 * alike: there is no other way to change it (the {@code *Administration} classes that do the
 * writing are package-private). Each resource's operations check the actor through one
 * {@link Authorizer} and write their audit event through one {@link AuditTrail}, in the same
 * transaction as the change, so nothing acknowledged goes unrecorded. Secrets never enter an
 * audit record.
 *
 * <p>Refusals are the {@link AdminFailure} family: another tenant's objects are
 * {@link AdminFailure.NotFound}, never {@link AdminFailure.Forbidden}, so a refusal confirms
 * nothing. Anything else that escapes is a fault, not an answer.
 */
public final class AdminOperations {

    private final ClientOperations clients;
    private final ScopeOperations scopes;
    private final AdministratorOperations administrators;
    private final UserOperations users;
    private final AuditOperations audit;
    private final KeyOperations keys;
    private final TenantOperations tenants;
    private final FederationOperations federation;

    /** @param changes told after each commit, so the token path's caches reload what changed */
    public AdminOperations(Store store, SecretHasher secrets, PasswordHasher passwords, Revocations revocations,
                           ChangeListener changes, Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(clock, "clock");
        AuditTrail trail = new AuditTrail(store, clock);
        ClientAdministration clientAdministration = new ClientAdministration(store, secrets, changes, clock);
        this.clients = new ClientOperations(store, clientAdministration, revocations, trail, changes, clock);
        this.scopes = new ScopeOperations(store, new ScopeAdministration(store), trail);
        this.administrators = new AdministratorOperations(store, Objects.requireNonNull(passwords, "passwords"),
                trail, clock);
        this.users = new UserOperations(store, trail, clock);
        this.audit = new AuditOperations(store, clock);
        this.keys = new KeyOperations(store, new KeyAdministration(store, changes, clock), trail);
        this.tenants = new TenantOperations(store,
                new TenantAdministration(store, clientAdministration, changes, clock), trail);
        this.federation = new FederationOperations(store, clientAdministration, trail, changes);
    }

    /** Workload identity federation: trusted issuers and client bindings. */
    public FederationOperations federation() {
        return federation;
    }

    public ClientOperations clients() {
        return clients;
    }

    public ScopeOperations scopes() {
        return scopes;
    }

    public AdministratorOperations administrators() {
        return administrators;
    }

    public UserOperations users() {
        return users;
    }

    public AuditOperations audit() {
        return audit;
    }

    public KeyOperations keys() {
        return keys;
    }

    public TenantOperations tenants() {
        return tenants;
    }
}
