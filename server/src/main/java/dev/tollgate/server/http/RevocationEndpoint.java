package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenIntrospector;
import dev.tollgate.core.token.TokenIntrospector.ActiveToken;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.ops.Metrics;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;

/**
 * {@code POST /t/{tenant}/oauth2/revoke} (RFC 7009) for access tokens. A client revokes only
 * tokens issued to itself. Whatever the token (unknown, malformed, expired, already revoked,
 * another client's, any {@code token_type_hint}), an authenticated request is answered 200 with
 * an empty body (RFC 7009 §2.2): the answer tells a caller nothing about someone else's token.
 */
public final class RevocationEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationEndpoint.class);

    private final TokenService tokens;
    private final TokenIntrospector introspector;
    private final Revocations revocations;
    private final Function<TenantId, String> issuers;
    private final ClientAuthenticationGuard guard;
    private final Metrics metrics;
    private final int maxBodyBytes;

    public RevocationEndpoint(TokenService tokens, TokenIntrospector introspector, Revocations revocations,
                              Function<TenantId, String> issuers,
                              ClientAuthenticationGuard guard, Metrics metrics, int maxBodyBytes) {
        this.tokens = tokens;
        this.introspector = introspector;
        this.revocations = revocations;
        this.issuers = issuers;
        this.guard = guard;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void revoke(ServerRequest request, ServerResponse response) {
        String realm = "tollgate";
        try {
            realm = issuers.apply(AuthenticatedRequest.tenant(request));
            AuthenticatedRequest authenticated = AuthenticatedRequest.read(request, response, tokens, guard, metrics,
                    "revoke", maxBodyBytes);
            Optional<ActiveToken> active = authenticated.activeToken(introspector);
            if (active.isPresent() && active.get().clientId().equals(authenticated.client().clientId())) {
                ActiveToken token = active.get();
                revocations.revokeToken(token.tenant(), token.clientId(), token.jti(), token.expiresAt());
                LOG.info("token {} of client {} revoked by its client", token.jti(), token.clientId());
            }
            HTTPResponse ok = new HTTPResponse(HTTPResponse.SC_OK);
            ok.setCacheControl("no-store");
            OAuthResponses.send(response, ok);
        } catch (HttpFailure failure) {
            OAuthResponses.sendError(response, failure.error(), realm);
        }
    }
}
