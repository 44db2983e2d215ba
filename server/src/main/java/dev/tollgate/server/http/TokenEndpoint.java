package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.util.ResourceUtils;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.OAuthErrorCode;
import dev.tollgate.core.token.PresentedCredentials;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.admin.SessionCookie;
import dev.tollgate.server.ops.AccessLog;
import dev.tollgate.server.ops.Metrics;
import dev.tollgate.server.ops.TokenAudit;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import net.minidev.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The client-credentials token endpoint in its three wire shapes: the canonical RFC 6749 form
 * endpoint per tenant, the payment-gateway shape {@code POST /oauth/token} (default tenant,
 * query-string credentials when the tenant allows them, {@code jti} in the answer), and the PAM
 * shape (a JSON body naming the tenant as {@code customer}, {@code expires_in_minutes} in the answer).
 * All three parse into one {@link TokenService.Request}; the policy never sees the difference.
 */
public final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final String FORM = "application/x-www-form-urlencoded";
    /** The refusal reason, in metrics and the access log, of a request the brute-force limits refused. */
    static final String THROTTLED = "throttled";

    private final TokenService tokens;
    private final Function<TenantId, String> issuers;
    private final TenantId defaultTenant;
    private final int maxBodyBytes;
    private final Metrics metrics;
    private final TokenAudit audit;
    private final ClientAuthenticationGuard guard;

    public TokenEndpoint(TokenService tokens, Function<TenantId, String> issuers, TenantId defaultTenant,
                         int maxBodyBytes, Metrics metrics, TokenAudit audit, ClientAuthenticationGuard guard) {
        this.tokens = tokens;
        this.guard = guard;
        this.metrics = metrics;
        this.audit = audit;
        this.issuers = issuers;
        this.defaultTenant = defaultTenant;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code POST /t/{tenant}/oauth2/token}. */
    public void canonical(ServerRequest request, ServerResponse response) {
        String tenant = request.path().pathParameters().first("tenant").orElse("");
        if (!TenantId.isValid(tenant)) {
            metrics.tokenRefusedEarly(null, "unknown_tenant");
            AccessLog.noteRefusedEarly(request, null, "unknown_tenant");
            OAuthResponses.sendError(response, new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, "unknown tenant", 404),
                    "tollgate");
            return;
        }
        form(TenantId.of(tenant), request, response, false);
    }

    /** {@code POST /oauth/token}: the default tenant, answering with {@code jti} as the reference does. */
    public void legacyOAuthToken(ServerRequest request, ServerResponse response) {
        form(defaultTenant, request, response, true);
    }

    private void form(TenantId tenant, ServerRequest request, ServerResponse response, boolean withJti) {
        String realm = issuers.apply(tenant);
        try {
            requirePost(request, response);
            String body = RequestBody.read(request, maxBodyBytes);
            if (!body.isEmpty() && !isContentType(request, FORM)) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                        "Content-Type must be " + FORM, 400);
            }
            requireWellFormedPercentEncoding(body);
            requireWellFormedPercentEncoding(request.query().rawValue());
            Map<String, List<String>> params = single(URLUtils.parseParameters(body));
            Map<String, List<String>> query = single(URLUtils.parseParameters(request.query().rawValue()));
            boolean queryCredentials = query.containsKey("client_id") || query.containsKey("client_secret");
            // RFC 6749 §4.4.2 puts the parameters in the body. The query is read only for the
            // reference shape that sends everything there, which the tenant setting then decides on.
            if (!query.isEmpty() && !queryCredentials) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                        "token request parameters belong in the form body, not the query string", 400);
            }
            for (String name : query.keySet()) {
                if (params.containsKey(name)) {
                    throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "parameter " + safe(name)
                            + " is sent both in the query and in the body", 400);
                }
            }
            Map<String, List<String>> merged = new HashMap<>(params);
            merged.putAll(query);

            String grantType = first(merged, "grant_type");
            if (grantType == null) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing grant_type", 400);
            }
            if (!GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType)) {
                throw new HttpFailure(OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE,
                        "only the client_credentials grant is supported", 400);
            }
            // Nimbus parses each part of the message with its own class; composing them here avoids
            // TokenRequest.parse over a re-serialised request. (ClientCredentialsParser decodes the Basic
            // header a second time itself, to look the client id up exactly as sent.)
            PresentedCredentials credentials = ClientCredentialsParser.parse(request, merged);
            ScopeSet scopes = requestedScopes(first(merged, "scope"));
            List<String> resources = resources(merged.get("resource"));
            ClientAuthenticationGuard.Attempt attempt = guard.check(SessionCookie.remoteAddress(request), tenant,
                    credentials.clientId());
            if (!attempt.allowed()) {
                throttled(request, response, tenant, attempt, realm);
                return;
            }
            TokenService.Outcome outcome = tokens.issue(
                    new TokenService.Request(tenant, credentials, scopes, resources, queryCredentials));
            guard.recordOutcome(attempt, outcome.refusal(), outcome.client());
            metrics.tokenOutcome(tenant, outcome);
            AccessLog.noteOutcome(request, tenant, outcome);
            audit.record(request, tenant, credentials.clientId(), outcome);
            render(response, outcome, realm, withJti);
        } catch (HttpFailure failure) {
            metrics.tokenRefusedEarly(tenant, earlyReason(failure));
            AccessLog.noteRefusedEarly(request, tenant, earlyReason(failure));
            refuse(response, failure.error(), realm);
        }
    }

    /** Refusals before the policy: the request's shape was wrong, in the words of {@link TokenRefusal.Reason}. */
    private static String earlyReason(HttpFailure failure) {
        return OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE.equals(failure.error().getCode())
                ? "unsupported_grant_type" : "malformed_request";
    }

    /**
     * {@code POST /pam/apps/autheticate/oauth/token-generation/} and its spellings: a JSON body with
     * {@code grant_type}, {@code client_id}, {@code client_secret} and {@code customer} (the tenant).
     */
    public void pamTokenGeneration(ServerRequest request, ServerResponse response) {
        String realm = "tollgate";
        TenantId tenant = null;
        try {
            requirePost(request, response);
            if (!isContentType(request, "application/json")) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "Content-Type must be application/json", 400);
            }
            JSONObject json;
            try {
                json = JSONObjectUtils.parse(RequestBody.read(request, maxBodyBytes));
            } catch (ParseException e) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "body is not a JSON object", 400);
            }
            String customer = jsonString(json, "customer");
            if (customer == null || !TenantId.isValid(customer)) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing or unknown customer", 400);
            }
            tenant = TenantId.of(customer);
            realm = issuers.apply(tenant);
            String grantType = jsonString(json, "grant_type");
            if (grantType == null) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "missing grant_type", 400);
            }
            if (!GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType)) {
                throw new HttpFailure(OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE,
                        "only the client_credentials grant is supported", 400);
            }
            String clientId = jsonString(json, "client_id");
            String secret = jsonString(json, "client_secret");
            if (clientId == null || secret == null) {
                throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "missing client_id or client_secret", 401);
            }
            ScopeSet scopes = requestedScopes(jsonString(json, "scope"));
            ClientAuthenticationGuard.Attempt attempt = guard.check(SessionCookie.remoteAddress(request), tenant,
                    clientId);
            if (!attempt.allowed()) {
                throttled(request, response, tenant, attempt, realm);
                return;
            }
            TokenService.Outcome outcome = tokens.issue(new TokenService.Request(tenant,
                    new PresentedCredentials(clientId, secret, ClientAuthMethod.CLIENT_SECRET_POST), scopes,
                    List.of(), false));
            guard.recordOutcome(attempt, outcome.refusal(), outcome.client());
            metrics.tokenOutcome(tenant, outcome);
            AccessLog.noteOutcome(request, tenant, outcome);
            audit.record(request, tenant, clientId, outcome);
            if (!outcome.isIssued()) {
                ErrorObject error = errorObject(outcome.refusal());
                // The tenant came from the body here, not the path: an unknown one is a bad request, not a 404.
                refuse(response, error.getHTTPStatusCode() == 404 ? error.setHTTPStatusCode(400) : error, realm);
                return;
            }
            IssuedToken token = outcome.token();
            JSONObject answer = new JSONObject();
            answer.put("access_token", token.value());
            answer.put("token_type", "Bearer");
            answer.put("expires_in_minutes", token.lifetime().toMinutes());
            answer.put("expires_in", token.lifetime().toSeconds());
            answer.put("scope", token.scopes().toSpaceDelimited());
            response.header(HeaderNames.PRAGMA, "no-cache");
            OAuthResponses.sendJson(response, 200, answer.toJSONString(), "no-store");
        } catch (HttpFailure failure) {
            metrics.tokenRefusedEarly(tenant, earlyReason(failure));
            AccessLog.noteRefusedEarly(request, tenant, earlyReason(failure));
            refuse(response, failure.error(), realm);
        }
    }

    /**
     * The brute-force limits refused before the policy: no secret hashed, no audit event (an
     * attacker's refused guesses must not cost a store write each), counted and logged as
     * {@value #THROTTLED}. The answer is {@link AuthenticatedRequest#throttled}'s 429.
     */
    private void throttled(ServerRequest request, ServerResponse response, TenantId tenant,
                           ClientAuthenticationGuard.Attempt attempt, String realm) {
        metrics.tokenRefusedEarly(tenant, THROTTLED);
        metrics.clientAuthenticationThrottled("token", AuthenticatedRequest.limitTag(attempt));
        AccessLog.noteRefusedEarly(request, tenant, THROTTLED);
        refuse(response, AuthenticatedRequest.throttled(response, attempt), realm);
    }

    private void render(ServerResponse response, TokenService.Outcome outcome, String realm, boolean withJti) {
        if (!outcome.isIssued()) {
            refuse(response, errorObject(outcome.refusal()), realm);
            return;
        }
        IssuedToken token = outcome.token();
        BearerAccessToken accessToken = new BearerAccessToken(token.value(), token.lifetime().toSeconds(),
                new Scope(token.scopes().names().toArray(String[]::new)));
        Map<String, Object> extra = withJti ? Map.of("jti", token.jti()) : Map.of();
        // Nimbus sets Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1).
        OAuthResponses.send(response, new AccessTokenResponse(new Tokens(accessToken, null), extra).toHTTPResponse());
    }

    private static void refuse(ServerResponse response, ErrorObject error, String realm) {
        LOG.debug("token request refused: {}", error.getCode());
        OAuthResponses.sendError(response, error, realm);
    }

    static ErrorObject errorObject(TokenRefusal refusal) {
        int status = switch (refusal.error()) {
            case INVALID_CLIENT -> 401;
            case TEMPORARILY_UNAVAILABLE -> 503;
            default -> refusal.reason() == TokenRefusal.Reason.UNKNOWN_TENANT ? 404 : 400;
        };
        return new ErrorObject(refusal.error().code(), refusal.description(), status);
    }

    static void requirePost(ServerRequest request, ServerResponse response) throws HttpFailure {
        if (request.prologue().method() != Method.POST) {
            // RFC 9110 §15.5.6: a 405 must say which methods are allowed.
            response.header(HeaderNames.ALLOW, "POST");
            throw new HttpFailure(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE,
                    "the token endpoint accepts POST only", 405));
        }
    }

    /**
     * Nimbus silently drops a parameter whose percent-encoding is malformed, so {@code scope=%ZZ} would
     * become "no scope", i.e. the client's defaults. Refuse it instead.
     */
    static void requireWellFormedPercentEncoding(String encoded) throws HttpFailure {
        if (encoded == null) {
            return;
        }
        for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
            if (i + 2 >= encoded.length() || !HexFormat.isHexDigit(encoded.charAt(i + 1))
                    || !HexFormat.isHexDigit(encoded.charAt(i + 2))) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "malformed percent-encoding", 400);
            }
        }
    }

    /** RFC 8707 §2: each resource is an absolute URI without a fragment, else invalid_target. */
    private static List<String> resources(List<String> values) throws HttpFailure {
        if (values == null) {
            return List.of();
        }
        try {
            return ResourceUtils.parseResourceURIs(values).stream().map(URI::toString).toList();
        } catch (ParseException e) {
            throw new HttpFailure("invalid_target", "resource must be an absolute URI without a fragment", 400);
        }
    }

    private static ScopeSet requestedScopes(String raw) throws HttpFailure {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return ScopeSet.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(OAuth2Error.INVALID_SCOPE_CODE, e.getMessage(), 400);
        }
    }

    /** RFC 6749 §3.2: parameters must not be included more than once, except RFC 8707 §2's resource. */
    static Map<String, List<String>> single(Map<String, List<String>> params) throws HttpFailure {
        for (Map.Entry<String, List<String>> entry : params.entrySet()) {
            if (entry.getValue().size() > 1 && !entry.getKey().equals("resource")) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                        "parameter " + safe(entry.getKey()) + " is repeated", 400);
            }
        }
        return params;
    }

    static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String jsonString(JSONObject json, String name) throws HttpFailure {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, name + " must be a string", 400);
        }
        return s;
    }

    /** The media type, and a charset parameter if any must be UTF-8: the body is read as UTF-8 only. */
    static boolean isContentType(ServerRequest request, String expected) {
        return request.headers().first(HeaderNames.CONTENT_TYPE)
                .map(value -> {
                    String[] parts = value.toLowerCase(Locale.ROOT).split(";");
                    if (!parts[0].strip().equals(expected)) {
                        return false;
                    }
                    for (int i = 1; i < parts.length; i++) {
                        String[] param = parts[i].strip().split("=", 2);
                        if (param[0].strip().equals("charset") && (param.length < 2
                                || !param[1].strip().replace("\"", "").equals("utf-8"))) {
                            return false;
                        }
                    }
                    return true;
                })
                .orElse(false);
    }

    /** Parameter names echo into error descriptions, which RFC 6749 limits to printable ASCII without quotes. */
    static String safe(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 40; i++) {
            char c = name.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }

}
