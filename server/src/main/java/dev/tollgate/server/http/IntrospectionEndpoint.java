package dev.tollgate.server.http;

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
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /t/{tenant}/oauth2/introspect} (RFC 7662). Any client of the tenant that
 * authenticates as at the token endpoint may introspect any token: resource servers use their own
 * client credential for it, and a client learns nothing about a token that its holder could not
 * read from the JWT itself. Every token that is not an active access token of this tenant, for
 * whatever reason, is answered {@code {"active":false}} and nothing more (RFC 7662 §2.2).
 */
public final class IntrospectionEndpoint {

    private final TokenService tokens;
    private final TokenIntrospector introspector;
    private final Function<TenantId, String> issuers;
    private final ClientAuthenticationGuard guard;
    private final Metrics metrics;
    private final int maxBodyBytes;

    public IntrospectionEndpoint(TokenService tokens, TokenIntrospector introspector,
                                 Function<TenantId, String> issuers, ClientAuthenticationGuard guard,
                                 Metrics metrics, int maxBodyBytes) {
        this.tokens = tokens;
        this.introspector = introspector;
        this.issuers = issuers;
        this.guard = guard;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void introspect(ServerRequest request, ServerResponse response) {
        String realm = "tollgate";
        try {
            realm = issuers.apply(AuthenticatedRequest.tenant(request));
            AuthenticatedRequest authenticated = AuthenticatedRequest.read(request, response, tokens, guard, metrics,
                    "introspect", maxBodyBytes);
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
    private static TokenIntrospectionSuccessResponse describe(ActiveToken token) {
        JWTClaimsSet claims = token.claims();
        TokenIntrospectionSuccessResponse.Builder builder = new TokenIntrospectionSuccessResponse.Builder(true)
                .clientID(new ClientID(token.clientId().value()))
                .tokenType(AccessTokenType.BEARER)
                .expirationTime(claims.getExpirationTime())
                .issueTime(claims.getIssueTime())
                .jwtID(new JWTID(token.jti()))
                .parameter("customer_id", token.tenant().value());
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
        return builder.build();
    }
}
