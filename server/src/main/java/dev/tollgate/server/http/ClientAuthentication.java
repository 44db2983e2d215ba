package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.token.PresentedCredentials;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * The client-authentication step of every endpoint a client calls with its own credentials: token,
 * introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1). It asks each registered
 * {@link ClientAuthenticationMethod} whether the request uses it; exactly one must (RFC 6749 §2.3).
 * The secret itself is checked by the policy ({@code TokenService}); the brute-force guard only
 * decides how a failure is answered.
 */
final class ClientAuthentication {

    /**
     * The methods a client may use, in the order they are asked: a new one (workload federation,
     * mTLS) is one more entry here. Basic comes first, so a malformed
     * {@code Authorization} header is reported as such before anything in the body.
     */
    static final List<ClientAuthenticationMethod> METHODS = List.of(
            new ClientSecretBasicMethod(),
            new ClientSecretPostMethod(),
            new PrivateKeyJwtMethod());

    private ClientAuthentication() {
    }

    /** The credentials of the one method the request uses. */
    static PresentedCredentials credentials(ServerRequest request, FormParameters params) throws HttpFailure {
        List<String> authorizations = request.headers().values(HeaderNames.AUTHORIZATION);
        if (authorizations.size() > 1) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "more than one Authorization header", 400);
        }
        String authorization = authorizations.isEmpty() ? null : authorizations.get(0);
        ClientAuthenticationMethod used = null;
        for (int i = 0; i < METHODS.size(); i++) {
            ClientAuthenticationMethod method = METHODS.get(i);
            if (!method.isUsedBy(authorization, params)) {
                continue;
            }
            if (used != null) {
                // RFC 6749 §2.3: one authentication method per request; §5.2 names this invalid_request.
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "client authenticated with both "
                        + used.description() + " and " + method.description() + "; use one method", 400);
            }
            used = method;
        }
        List<X509Certificate> certificates = ClientCertificates.of(request);
        PresentedCredentials found;
        if (used != null) {
            // A certificate beside a secret or an assertion is no second method: it is what the
            // token may be bound to (RFC 8705 §3), if the client's registration asks for that.
            found = used.read(authorization, params).withCertificates(certificates);
        } else if (!certificates.isEmpty() && params.first("client_id") != null) {
            // RFC 8705 §2: client_id names the client, the TLS certificate proves it.
            if (!params.query().isEmpty()) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "client_id belongs in the form body", 400);
            }
            found = PresentedCredentials.certificate(params.first("client_id"), certificates);
        } else {
            found = null;
        }
        if (found == null || found.clientId() == null) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client authentication is required", 401);
        }
        // RFC 6749 §3.2.1 lets a client repeat its id in the body, not name another one.
        String bodyClientId = params.first("client_id");
        if (bodyClientId != null && !bodyClientId.equals(found.clientId())) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "client_id differs from the client id in HTTP Basic authorization", 400);
        }
        return found;
    }

    /**
     * The answer to a failed authentication from an address over the brute-force limit, for every endpoint a client
     * authenticates at: {@code 429} (RFC 6585 §4) with {@code Retry-After} in seconds (RFC 9110
     * §10.2.3), and an RFC 6749 §5.2 error body. RFC 6749 has no token-endpoint error for "too
     * many attempts": {@code invalid_client} with 401 says nothing about waiting,
     * {@code invalid_request} that the request was malformed, and RFC 8628 §3.5's
     * {@code slow_down} belongs to device-code polling (its "add 5 s to the interval" means
     * nothing here). {@code temporarily_unavailable} is OAuth's code for "the server can't serve
     * this right now" (RFC 6749 §4.1.2.1, extension codes per §8.5); this server already uses it
     * with 503 for a store outage, so clients need only one retryable code. The status and
     * Retry-After carry the rest. The description names no limit, so it tells nothing about ids.
     */
    static ErrorObject throttled(ServerResponse response, ClientAuthenticationGuard.Verdict verdict) {
        RetryAfter.set(response, verdict.retryAfter());
        return new ErrorObject("temporarily_unavailable",
                "too many failed client authentications; retry after the delay in Retry-After", 429);
    }

    /** The guard's limit as a metrics tag value: {@code address}. */
    static String limitTag(ClientAuthenticationGuard.Verdict verdict) {
        return verdict.throttledBy().name().toLowerCase(Locale.ROOT);
    }
}
