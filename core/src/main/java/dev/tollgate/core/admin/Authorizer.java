package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may do what, for every operation of every resource: the tenant first, so another tenant's
 * objects look absent ({@link AdminFailure.NotFound}) rather than forbidden and a refusal confirms
 * nothing; then the capability; then rank, so no one acts on or hands out more than they hold.
 */
final class Authorizer {

    private Authorizer() {
    }

    /** The actor's tenant is {@code tenant}, and the actor holds any one of {@code anyOf}. */
    static void authorize(Actor actor, TenantId tenant, Capability... anyOf) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(tenant, "tenant");
        if (!actor.tenant().equals(tenant)) {
            throw new AdminFailure.NotFound("no tenant " + tenant);
        }
        for (Capability capability : anyOf) {
            if (actor.may(capability)) {
                return;
            }
        }
        throw new AdminFailure.Forbidden(anyOf[0], "requires the capability "
                + Arrays.stream(anyOf).map(Capability::wireName).collect(Collectors.joining(" or ")));
    }

    /**
     * An admin scope on a client is a capability for whoever holds its secret: granting one the
     * actor does not hold would let {@code manage_client_credentials} mint itself
     * {@code manage_admins}. Scopes the client already had may stay.
     */
    static void requireHeld(Actor actor, ScopeSet requested, ScopeSet already) {
        for (ScopeName scope : requested) {
            Optional<Capability> capability = Capability.fromScope(scope);
            if (capability.isPresent() && !already.contains(scope) && !actor.may(capability.get())) {
                throw new AdminFailure.Forbidden(capability.get(), "granting " + scope + " needs the capability "
                        + capability.get().wireName() + " yourself");
            }
        }
    }

    /**
     * A client holding admin scopes is those capabilities for whoever holds its secret: rotating,
     * changing, enabling or deleting it needs every one of them, or a credentials manager could
     * rotate an all-powerful client's secret and read the new one.
     */
    static void requireOutranks(Actor actor, ClientCredential target) {
        for (ScopeName scope : target.allowedScopes()) {
            Optional<Capability> capability = Capability.fromScope(scope);
            if (capability.isPresent() && !actor.may(capability.get())) {
                throw new AdminFailure.Forbidden(capability.get(), "this client holds " + scope
                        + "; changing it needs the capability " + capability.get().wireName() + " yourself");
            }
        }
    }

    /** An admin manager acts only on admins who hold nothing it lacks: no demoting or deleting a superior. */
    static void requireOutranks(Actor actor, Admin target) {
        for (Capability capability : target.effectiveCapabilities()) {
            if (!actor.may(capability)) {
                throw new AdminFailure.Forbidden(capability, "admin " + target.username() + " holds "
                        + capability.wireName() + "; changing them needs that capability yourself");
            }
        }
    }

    /** Capabilities are handed on, never created: no one grants more than they hold. */
    static void requireGrantable(Actor actor, AdminRole role, Set<Capability> capabilities) {
        Set<Capability> granted = role == AdminRole.ADMIN ? EnumSet.allOf(Capability.class)
                : capabilities == null ? Set.of() : capabilities;
        for (Capability capability : granted) {
            if (!actor.may(capability)) {
                throw new AdminFailure.Forbidden(capability, "granting " + capability.wireName()
                        + (role == AdminRole.ADMIN ? " (role admin holds every capability)" : "")
                        + " needs that capability yourself");
            }
        }
    }

    /** Operations on the installation itself (tenants, signing keys): the operator's CLI, or the server. */
    static void requireOperator(Actor actor) {
        Objects.requireNonNull(actor, "actor");
        if (actor.kind() != Actor.Kind.CLI && actor.kind() != Actor.Kind.SYSTEM) {
            throw new AdminFailure.Forbidden(null, "only the operator's command line changes tenants and keys");
        }
    }
}
