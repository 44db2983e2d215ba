package dev.tollgate.core.admin;

import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
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
        return updateTenantAdminSettings(actor, id, authorities, audiences, UnaryOperator.identity());
    }

    /**
     * Sets how long a key signs before the keys rotate on their own ({@code null}: only by hand).
     * Only a tenant admin changes it, as the allow-lists: a rotation never breaks a verifier that
     * reads the JWKS, but it is the tenant's whole key ring.
     *
     * @throws AdminFailure.Forbidden for an actor lacking any capability
     */
    public Tenant updateKeyRotationInterval(Actor actor, TenantId id, Duration interval) {
        return updateTenantAdminSettings(actor, id, null, null, s -> s.withKeyRotationInterval(interval));
    }

    /**
     * The allow-lists and the key rotation interval at once, one change and one audit event (the
     * admin API's {@code PATCH settings}).
     *
     * @param keyRotation applied last: {@code withKeyRotationInterval} to change the interval, identity to keep it
     */
    public Tenant updateTenantAdminSettings(Actor actor, TenantId id, List<String> authorities,
                                            List<String> audiences, UnaryOperator<TenantSettings> keyRotation) {
        authorize(actor, id, Capability.MANAGE_CLIENT_CREDENTIALS);
        if (!actor.holdsEveryCapability()) {
            throw new AdminFailure.Forbidden(null,
                    "only a tenant admin changes the tenant's allowed authorities, audiences and key rotation");
        }
        Map<String, String> problems = new LinkedHashMap<>();
        requireListable(authorities, "allowed_authorities", problems);
        requireListable(audiences, "allowed_audiences", problems);
        if (!problems.isEmpty()) {
            throw new AdminFailure.Invalid(problems);
        }
        return change(actor, id, settings -> {
            TenantSettings changed = authorities == null ? settings : settings.withAllowedAuthorities(authorities);
            changed = audiences == null ? changed : changed.withAllowedAudiences(audiences);
            return keyRotation.apply(changed);
        });
    }

    /** The field's name in the admin API, the console's form and error messages. */
    public static final String KEY_ROTATION_INTERVAL = "key_rotation_interval";

    /** What turns automatic rotation off, where an interval is written. */
    public static final String OFF = "off";

    /**
     * {@value #OFF} or an ISO-8601 duration ({@code P90D}, {@code PT12H}) within
     * {@link TenantSettings#MIN_KEY_ROTATION_INTERVAL} and {@link TenantSettings#MAX_KEY_ROTATION_INTERVAL}.
     *
     * @return null for {@value #OFF}
     * @throws AdminFailure.Invalid naming {@value #KEY_ROTATION_INTERVAL}
     */
    public static Duration parseKeyRotationInterval(String value) {
        if (value != null && value.strip().equalsIgnoreCase(OFF)) {
            return null;
        }
        try {
            Duration interval = Duration.parse(value == null ? "" : value.strip());
            TenantSettings.DEFAULTS.withKeyRotationInterval(interval);
            return interval;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw AdminFailure.Invalid.of(KEY_ROTATION_INTERVAL, "must be " + OFF
                    + " or an ISO-8601 duration such as P90D or PT12H between "
                    + TenantSettings.MIN_KEY_ROTATION_INTERVAL.toHours() + " hour and "
                    + TenantSettings.MAX_KEY_ROTATION_INTERVAL.toDays() + " days");
        }
    }

    /** As {@link #parseKeyRotationInterval} reads it: {@code P90D} when whole days, {@value #OFF} for null. */
    public static String formatKeyRotationInterval(Duration interval) {
        if (interval == null) {
            return OFF;
        }
        return interval.toSeconds() % 86_400 == 0 && interval.getNano() == 0
                ? "P" + interval.toDays() + "D" : interval.toString();
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
