package dev.tollgate.core.admin;

import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.tenant.TenantSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.tollgate.core.admin.Authorizer.authorize;
import static dev.tollgate.core.admin.Authorizer.requireOperator;

/** Tenants, which only the operator creates and configures (from the CLI); each change audited in its tenant. */
public final class TenantOperations {

    private final Store store;
    private final TenantAdministration tenants;
    private final AuditTrail audit;

    TenantOperations(Store store, TenantAdministration tenants, AuditTrail audit) {
        this.store = store;
        this.tenants = tenants;
        this.audit = audit;
    }

    /**
     * A tenant with its built-in scopes, keys and default credentials (see
     * {@link TenantAdministration#create}); a tenant of that id existing already is a
     * {@link AdminFailure.Conflict}.
     */
    public ProvisionedTenant create(Actor actor, TenantId id, String name,
                                                         TenantSettings settings) {
        requireOperator(actor);
        requireActorIn(actor, id);
        return tenants.create(id, name, settings, created -> audit.event(actor, AuditAction.TENANT_CREATE, null,
                id.value(), "name=" + name + " " + settings));
    }

    /** Every tenant: a read for the operator's CLI, which no tenant's admin reaches. */
    public List<Tenant> list() {
        return tenants.list();
    }

    public Tenant updateSettings(Actor actor, TenantId id, UnaryOperator<TenantSettings> change) {
        requireOperator(actor);
        requireActorIn(actor, id);
        return change(actor, id, change);
    }

    private Tenant change(Actor actor, TenantId id, UnaryOperator<TenantSettings> change) {
        return tenants.updateSettings(id, change, (before, after) -> audit.event(actor, AuditAction.TENANT_UPDATE,
                null, id.value(), "before=" + before.settings() + " after=" + after.settings()));
    }

    /**
     * The tenant's settings, for whoever manages its clients: the allow-lists say what they may
     * choose.
     */
    public TenantSettings settings(Actor actor, TenantId id) {
        authorize(actor, id, Capability.MANAGE_CLIENT_CREDENTIALS);
        return tenants.get(id).settings();
    }

    /**
     * Replaces the authorities and audiences credential managers may give clients (a null list
     * stays as it is). Only a tenant admin changes them: a credential manager widening its own
     * list would defeat it.
     *
     * @throws AdminFailure.Forbidden for an actor lacking any capability
     * @throws AdminFailure.Invalid   naming {@code allowed_authorities} or {@code allowed_audiences}
     */
    public Tenant updateAllowLists(Actor actor, TenantId id, List<String> authorities, List<String> audiences) {
        authorize(actor, id, Capability.MANAGE_CLIENT_CREDENTIALS);
        if (!actor.holdsEveryCapability()) {
            throw new AdminFailure.Forbidden(null,
                    "only a tenant admin changes the tenant's allowed authorities and audiences");
        }
        Map<String, String> problems = new LinkedHashMap<>();
        requireListable(authorities, "allowed_authorities", problems);
        requireListable(audiences, "allowed_audiences", problems);
        if (!problems.isEmpty()) {
            throw new AdminFailure.Invalid(problems);
        }
        return change(actor, id, settings -> {
            TenantSettings changed = authorities == null ? settings : settings.withAllowedAuthorities(authorities);
            return audiences == null ? changed : changed.withAllowedAudiences(audiences);
        });
    }

    /**
     * Replaces the tenant's trusted client CA bundle for {@code tls_client_auth} (RFC 8705 §2.1).
     * Only a tenant admin: a CA trusted here can mint a certificate for any tls_client_auth client.
     *
     * @throws AdminFailure.Forbidden for an actor lacking any capability
     */
    public Tenant setClientCas(Actor actor, TenantId id, ClientCertificateAuthorities cas) {
        authorize(actor, id, Capability.MANAGE_CLIENT_CREDENTIALS);
        if (!actor.holdsEveryCapability()) {
            throw new AdminFailure.Forbidden(null, "only a tenant admin changes the tenant's trusted client CAs");
        }
        return change(actor, id, settings -> settings.withClientCas(cas));
    }

    private static void requireListable(List<String> values, String field, Map<String, String> problems) {
        try {
            TenantSettings.DEFAULTS.withAllowedAuthorities(values);
        } catch (IllegalArgumentException e) {
            problems.put(field, "must each be 1-512 printable ASCII characters without spaces");
        }
    }

    /** The audit event is the tenant's own: the operator acts in the tenant it names. */
    private static void requireActorIn(Actor actor, TenantId id) {
        if (!actor.tenant().equals(id)) {
            throw new AdminFailure.NotFound("no tenant " + id);
        }
    }
}
