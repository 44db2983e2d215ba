package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.TenantSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which authorities and audiences an actor may give a client (issue 11). An authority in a token
 * is a role at every API that reads it, and an audience is an API that accepts the token, so a
 * credential manager choosing them freely could mint itself any role at any API. A tenant admin
 * (one holding every capability: the role admin, the operator) may set any value; anyone else only
 * the tenant's listed values, the tenant's configured default audience, and values the client
 * already has, so editing a client an admin configured never forces its values out.
 */
final class ClientValueAllowList {

    private ClientValueAllowList() {
    }

    /**
     * @param before the client as it is, or null when it is being created
     * @throws AdminFailure.Invalid naming {@code audiences} and {@code authorities}, whichever hold a refused value
     */
    static void require(Actor actor, TenantSettings settings, List<String> audiences, List<String> authorities,
                        ClientCredential before) {
        if (actor.holdsEveryCapability()) {
            return;
        }
        Map<String, String> problems = new LinkedHashMap<>();
        refused(audiences, settings.allowedAudiences(), settings.defaultAudience(),
                before == null ? List.of() : before.audiences())
                .ifPresent(value -> problems.put("audiences", "include " + value
                        + ", which the tenant's allowed audiences do not list; only a tenant admin may set it"));
        refused(authorities, settings.allowedAuthorities(), null, before == null ? List.of() : before.authorities())
                .ifPresent(value -> problems.put("authorities", "include " + value
                        + ", which the tenant's allowed authorities do not list; only a tenant admin may set it"));
        if (!problems.isEmpty()) {
            throw new AdminFailure.Invalid(problems);
        }
    }

    private static Optional<String> refused(List<String> requested, List<String> listed, String always,
                                            List<String> already) {
        if (requested == null) {
            return Optional.empty();
        }
        return requested.stream()
                .filter(value -> !listed.contains(value) && !value.equals(always) && !already.contains(value))
                .findFirst();
    }
}
