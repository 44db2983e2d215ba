package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.ops.AccessLog;
import dev.tollgate.server.ops.Metrics;
import dev.tollgate.server.ops.TokenAudit;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The client-credentials token endpoint in its three wire shapes: the canonical RFC 6749 form
 * endpoint per tenant ({@link FormTokenRequest}), the payment-gateway shape {@code POST /oauth/token}
 * ({@link PaymentGatewayTokenRequest}) and the PAM JSON shape ({@link PamTokenRequest}). Each shape
 * is a converter and a renderer around one pipeline, written once here:
 * parse → guard's standing of the address → policy → guard's verdict → metrics → access log → audit → render.
 */
public final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    /** Before the tenant is known there is no issuer to name as the realm. */
    private static final String NO_REALM = "tollgate";

    private final TokenService tokens;
    private final Function<TenantId, String> issuers;
    private final Metrics metrics;
    private final TokenAudit audit;
    private final ClientAuthenticationGuard guard;
    private final DPoPProofs dpop;
    private final Handler canonical;
    private final Handler paymentGateway;
    private final Handler pam;

    public TokenEndpoint(TokenService tokens, Function<TenantId, String> issuers, TenantId defaultTenant,
                         int maxBodyBytes, Metrics metrics, TokenAudit audit, ClientAuthenticationGuard guard,
                         DPoPProofs dpop) {
        this.tokens = tokens;
        this.dpop = dpop;
        this.issuers = issuers;
        this.metrics = metrics;
        this.audit = audit;
        this.guard = guard;
        this.canonical = handler(new FormTokenRequest(maxBodyBytes), OAuthTokenResponse.CANONICAL);
        this.paymentGateway = handler(new PaymentGatewayTokenRequest(defaultTenant, maxBodyBytes),
                OAuthTokenResponse.WITH_JTI);
        this.pam = handler(new PamTokenRequest(maxBodyBytes), PamTokenResponse.INSTANCE);
    }

    /** {@code POST /t/{tenant}/oauth2/token}. */
    public Handler canonical() {
        return canonical;
    }

    /** {@code POST /oauth/token}: the default tenant, answering with {@code jti} as the payment gateway expects. */
    public Handler paymentGateway() {
        return paymentGateway;
    }

    /** {@code POST /pam/apps/autheticate/oauth/token-generation/} and its spellings. */
    public Handler pam() {
        return pam;
    }

    private Handler handler(TokenRequestConverter converter, TokenResponseRenderer renderer) {
        return (request, response) -> serve(request, response, converter, renderer);
    }

    private void serve(ServerRequest request, ServerResponse response, TokenRequestConverter converter,
                       TokenResponseRenderer renderer) {
        TokenService.Request parsed;
        try {
            parsed = converter.parse(request, response);
            // RFC 9449 §5: a proof, when sent, is checked whatever the client; a client that
            // requires DPoP and sent none is refused by the policy.
            String jkt = dpop.checkTokenRequest(request, response, parsed.tenant());
            if (jkt != null) {
                parsed = parsed.withDpopJkt(jkt);
            }
        } catch (HttpFailure failure) {
            refusedEarly(request, response, failure.tenant(), failure.reason(), failure.error());
            return;
        }
        TenantId tenant = parsed.tenant();
        String clientId = parsed.credentials().clientId();
        // The secret is checked first, from any address (issue 11): a right secret is never
        // refused, so knowing a client id is not enough to lock the client out.
        ClientAuthenticationGuard.Attempt attempt = guard.check(RemoteAddress.of(request));
        TokenService.Outcome outcome = tokens.issue(parsed);
        ClientAuthenticationGuard.Verdict verdict = guard.recordOutcome(attempt, outcome.refusal());
        if (outcome.refusal() != null && outcome.refusal().isAuthenticationFailure()) {
            metrics.clientAuthenticationFailed(tenant, outcome.client());
        }
        if (verdict.throttled()) {
            // A failure from an address that keeps failing: no audit event (an attacker's guesses
            // must not cost a store write each); counted and logged as throttled.
            metrics.clientAuthenticationThrottled("token", ClientAuthentication.limitTag(verdict));
            refusedEarly(request, response, tenant, TokenRefusal.Reason.THROTTLED,
                    ClientAuthentication.throttled(response, verdict));
            return;
        }
        metrics.tokenOutcome(tenant, outcome);
        AccessLog.noteOutcome(request, tenant, outcome);
        logDetail(tenant, outcome.refusal());
        audit.record(request, tenant, outcome);
        if (outcome.isIssued()) {
            if (outcome.token().cnf().jkt() != null) {
                // RFC 9449 §8.2: the next nonce may come with any response.
                String nonce = dpop.currentNonce(tenant);
                if (nonce != null) {
                    response.header(DPoPProofs.DPOP_NONCE, nonce);
                }
            }
            renderer.issued(response, outcome.token());
        } else {
            refuse(response, renderer.refused(errorObject(outcome.refusal())), issuers.apply(tenant));
        }
    }

    /**
     * The precise cause of an authentication refusal (which rule of a client assertion failed): for
     * the operator, never the client, who gets RFC 6749 §5.2's invalid_client.
     */
    static void logDetail(TenantId tenant, TokenRefusal refusal) {
        if (refusal != null && refusal.detail() != null) {
            LOG.info("client authentication refused in tenant {}: {} ({})", tenant.value(),
                    refusal.reason().name().toLowerCase(java.util.Locale.ROOT), refusal.detail());
        }
    }

    /** A refusal before the policy (or instead of its answer, when throttled): counted, logged, answered. */
    private void refusedEarly(ServerRequest request, ServerResponse response, TenantId tenant,
                              TokenRefusal.Reason reason, ErrorObject error) {
        metrics.tokenRefusedEarly(tenant, reason);
        AccessLog.noteRefusedEarly(request, tenant, reason);
        refuse(response, error, tenant != null ? issuers.apply(tenant) : NO_REALM);
    }

    private static void refuse(ServerResponse response, ErrorObject error, String realm) {
        LOG.debug("token request refused: {}", error.getCode());
        OAuthResponses.sendError(response, error, realm);
    }

    /** The policy's refusal in RFC 6749 §5.2's words and status. */
    static ErrorObject errorObject(TokenRefusal refusal) {
        int status = switch (refusal.error()) {
            case INVALID_CLIENT -> 401;
            case TEMPORARILY_UNAVAILABLE -> 503;
            default -> refusal.reason() == TokenRefusal.Reason.UNKNOWN_TENANT ? 404 : 400;
        };
        return new ErrorObject(refusal.error().code(), refusal.description(), status);
    }
}
