package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.util.List;

/**
 * Decides which scopes, audiences and lifetime an authenticated client gets. Pure: no I/O,
 * no clock, no HTTP, so every branch is a plain unit test.
 */
public final class TokenPolicy {

    /** Outcome of a decision: exactly one of {@code grant} and {@code refusal} is set. */
    public record Decision(TokenGrant grant, TokenRefusal refusal) {
        static Decision granted(TokenGrant grant) {
            return new Decision(grant, null);
        }

        static Decision refused(OAuthErrorCode code, String description, Reason reason) {
            return new Decision(null, new TokenRefusal(code, description, reason));
        }

        public boolean isGranted() {
            return grant != null;
        }
    }

    /**
     * @param requestedScopes null when the request had no {@code scope} parameter
     * @param resources       RFC 8707 {@code resource} values, empty when none was sent
     * @param issuer          the tenant's issuer, which derives the default audience
     */
    public Decision decide(Tenant tenant, ClientCredential client, ScopeSet requestedScopes, List<String> resources,
                           String issuer) {
        ScopeSet scopes;
        if (requestedScopes == null) {
            // RFC 6749 §3.3: no scope requested means the client's defaults, or a refusal when there are none.
            if (client.defaultScopes().isEmpty()) {
                return Decision.refused(OAuthErrorCode.INVALID_SCOPE,
                        "no scope requested and the client has no default scopes", Reason.NO_DEFAULT_SCOPE);
            }
            scopes = client.defaultScopes();
        } else {
            if (!client.allowedScopes().containsAll(requestedScopes)) {
                return Decision.refused(OAuthErrorCode.INVALID_SCOPE,
                        "requested scope is not allowed for this client", Reason.SCOPE_NOT_ALLOWED);
            }
            scopes = requestedScopes;
        }

        List<String> audiences;
        if (resources.isEmpty()) {
            audiences = !client.audiences().isEmpty() ? client.audiences() : List.of(defaultAudience(tenant, issuer));
        } else {
            List<String> allowed = client.audiences().isEmpty()
                    ? List.of(defaultAudience(tenant, issuer)) : client.audiences();
            for (String resource : resources) {
                // RFC 8707 §2: an unacceptable resource is invalid_target.
                if (!allowed.contains(resource)) {
                    return Decision.refused(OAuthErrorCode.INVALID_TARGET,
                            "resource is not an allowed audience for this client", Reason.AUDIENCE_NOT_ALLOWED);
                }
            }
            audiences = resources.stream().distinct().toList();
        }
        return Decision.granted(new TokenGrant(client, scopes, audiences, client.tokenTtl()));
    }

    /** The audience of tokens for clients with none configured: the tenant's setting, or its built-in APIs. */
    public static String defaultAudience(Tenant tenant, String issuer) {
        String configured = tenant.settings().defaultAudience();
        return configured != null ? configured : issuer + "/api";
    }
}
