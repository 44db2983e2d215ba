package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.core.token.TokenIntrospector.ActiveToken;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.ops.Metrics;
import dev.tollgate.server.ops.TokenAudit;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /t/{tenant}/oauth2/introspect} (RFC 7662). A client of the tenant that authenticates
 * as at the token endpoint and holds the introspection permission may introspect any token:
 * resource servers use their own client credential for it. RFC 7662 §2.1 leaves who may call the
 * endpoint to the server; without the permission, any token holder could learn whether a token it
 * found is live, and whose. Every token that is not an active access token of this tenant, for
 * whatever reason, is answered {@code {"active":false}} and nothing more (RFC 7662 §2.2).
 *
 * <p>A client without the permission is answered 403 {@code unauthorized_client} before its token
 * is read, so the answer says nothing about the token. Not {@code {"active":false}}: a resource
 * server whose credential lacks the grant would then reject every caller's token as inactive, a
 * misconfiguration that looks like an attack; the 403 names the cause. The refusal is audited
 * ({@code introspection.refused}) and counted ({@code tollgate_introspection_refused_total}).
 */
public final class IntrospectionEndpoint {

    // RFC 6749 §5.2's code for a client not authorized to use what it asked for; 403, as the client
    // is known and refused, not unauthenticated (RFC 7662 §2.3 keeps 401 for bad credentials).
    private static final ErrorObject NOT_PERMITTED = OAuth2Error.UNAUTHORIZED_CLIENT
            .setDescription("this client may not introspect tokens; an admin grants it the introspection permission")
            .setHTTPStatusCode(403);

    private final TokenService tokens;
    private final TokenIntrospector introspector;
    private final Function<TenantId, String> issuers;
    private final ClientAuthenticationGuard guard;
    private final Metrics metrics;
    private final TokenAudit audit;
    private final int maxBodyBytes;

    public IntrospectionEndpoint(TokenService tokens, TokenIntrospector introspector,
                                 Function<TenantId, String> issuers, ClientAuthenticationGuard guard,
                                 Metrics metrics, TokenAudit audit, int maxBodyBytes) {
        this.tokens = tokens;
        this.introspector = introspector;
        this.issuers = issuers;
        this.guard = guard;
        this.metrics = metrics;
        this.audit = audit;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void introspect(ServerRequest request, ServerResponse response) {
        String realm = "tollgate";
        try {
            realm = issuers.apply(AuthenticatedRequest.tenant(request));
            AuthenticatedRequest authenticated = AuthenticatedRequest.read(request, response, tokens, guard, metrics,
                    "introspect", maxBodyBytes);
            if (!authenticated.client().introspection()) {
                metrics.introspectionRefused(authenticated.tenant(), authenticated.client());
                audit.introspectionRefused(request, authenticated.tenant(), authenticated.client());
                throw new HttpFailure(NOT_PERMITTED);
            }
            Optional<ActiveToken> active = authenticated.activeToken(introspector);
            HTTPResponse answer = active.map(IntrospectionEndpoint::describe)
                    .orElseGet(() -> new TokenIntrospectionSuccessResponse.Builder(false).build())
                    .toHTTPResponse();
            // The answer says whether a bearer credential is live: not for caches (RFC 7662 §4).
            answer.setCacheControl("no-store");
            OAuthResponses.send(response, answer);
        } catch (HttpFailure failure) {
            OAuthResponses.sendError(response, failure.error(), realm);
        }
    }

    /** RFC 7662 §2.2 members, from the token's verified claims. */
    @SuppressWarnings("unchecked")
    private static TokenIntrospectionSuccessResponse describe(ActiveToken token) {
        JWTClaimsSet claims = token.claims();
        // RFC 9449 §6.2: a DPoP-bound token is introspected as token_type DPoP with its cnf.jkt.
        JWKThumbprintConfirmation cnf = JWKThumbprintConfirmation.parse(claims);
        TokenIntrospectionSuccessResponse.Builder builder = new TokenIntrospectionSuccessResponse.Builder(true)
                .clientID(new ClientID(token.clientId().value()))
                .tokenType(cnf != null ? AccessTokenType.DPOP : AccessTokenType.BEARER)
                .expirationTime(claims.getExpirationTime())
                .issueTime(claims.getIssueTime())
                .jwtID(new JWTID(token.jti()))
                .parameter("customer_id", token.tenant().value());
        if (cnf != null) {
            builder.jwkThumbprintConfirmation(cnf);
        }
        // Only tokens signed with the tenant's own keys get here, and TokenMinter writes scope as a
        // space-delimited string (RFC 9068 §2.2.3), the form RFC 7662 §2.2 answers with.
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s && !s.isEmpty()) {
            builder.scope(Scope.parse(s));
        }
        if (claims.getNotBeforeTime() != null) {
            builder.notBeforeTime(claims.getNotBeforeTime());
        }
        if (claims.getSubject() != null) {
            builder.subject(new Subject(claims.getSubject()));
        }
        if (claims.getAudience() != null && !claims.getAudience().isEmpty()) {
            builder.audience(Audience.create(claims.getAudience()));
        }
        if (claims.getIssuer() != null) {
            builder.issuer(new Issuer(claims.getIssuer()));
        }
        // RFC 7662 §2.2 / RFC 8705 §3.2: the confirmation, so a resource server that introspects can
        // check the binding (x5t#S256, jkt) itself. The whole cnf object: it replaces the jkt-only one above.
        if (claims.getClaim("cnf") instanceof java.util.Map<?, ?> binding) {
            builder.parameter("cnf", new net.minidev.json.JSONObject(new java.util.LinkedHashMap<>(
                    (java.util.Map<String, ?>) binding)));
        }
        return builder.build();
    }
}
