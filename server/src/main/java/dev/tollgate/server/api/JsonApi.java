package dev.tollgate.server.api;

import dev.tollgate.server.http.RequestContentType;
import dev.tollgate.server.http.PrintableEcho;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.server.http.DuplicateKeys;
import dev.tollgate.server.http.HttpFailure;
import dev.tollgate.server.http.RequestBody;
import dev.tollgate.server.http.ClientCertificates;
import dev.tollgate.server.http.DPoPProofs;
import dev.tollgate.verifier.Principal;
import dev.tollgate.verifier.Reason;
import dev.tollgate.verifier.TokenVerifier;
import dev.tollgate.verifier.Verification;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import net.minidev.json.JSONValue;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the JSON APIs behind bearer tokens (the users API, the admin API) share: the error body
 * ({@code error}, {@code error_description}, optional {@code fields}), RFC 6750 bearer-token
 * extraction and challenges, strict JSON bodies, and single-valued query parameters.
 */
public final class JsonApi {

    public static final String JSON = "application/json;charset=UTF-8";

    private static final HeaderName AUTHORIZE = HeaderNames.create("Authorize");

    private JsonApi() {
    }

    /** A request answered with an error; thrown out of an operation to {@link #handle}. */
    public static final class Refusal extends RuntimeException {
        final int status;
        final String error;
        final String challenge;
        final Map<String, String> fields;
        /** RFC 9449 §9: the nonce a {@code use_dpop_nonce} refusal hands out in {@code DPoP-Nonce}. */
        final String dpopNonce;

        public Refusal(int status, String error, String description, String challenge, Map<String, String> fields) {
            this(status, error, description, challenge, fields, null);
        }

        Refusal(int status, String error, String description, String challenge, Map<String, String> fields,
                String dpopNonce) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
            this.challenge = challenge;
            this.fields = fields;
            this.dpopNonce = dpopNonce;
        }

        public int status() {
            return status;
        }
    }

    public interface Work {
        void run();
    }

    /** Runs {@code work} when the method is allowed; a {@link Refusal} becomes its JSON error. */
    public static void handle(ServerRequest request, ServerResponse response, Set<Method> allowed, Work work) {
        if (!allowed.contains(request.prologue().method())) {
            response.header(HeaderNames.ALLOW, String.join(", ", allowed.stream().map(Method::text).sorted().toList()));
            sendJson(response, 405, error("invalid_request", "method not allowed", null));
            return;
        }
        try {
            work.run();
        } catch (Refusal refusal) {
            if (refusal.challenge != null) {
                response.header(HeaderNames.WWW_AUTHENTICATE, refusal.challenge);
            }
            if (refusal.dpopNonce != null) {
                response.header(DPoPProofs.DPOP_NONCE, refusal.dpopNonce);
            }
            sendJson(response, refusal.status, error(refusal.error, refusal.getMessage(), refusal.fields));
        }
    }

    public static Map<String, Object> error(String code, String description, Map<String, String> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (code != null) {
            body.put("error", code);
        }
        body.put("error_description", description);
        if (fields != null) {
            body.put("fields", new LinkedHashMap<>(fields));
        }
        return body;
    }

    public static void sendJson(ServerResponse response, int status, Map<String, Object> body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        // Users, clients and audit records are no business of shared caches (RFC 9111 §5.2.2.5).
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(JSONValue.toJSONString(body).getBytes(StandardCharsets.UTF_8));
    }

    public static void sendNoContent(ServerResponse response) {
        response.status(Status.NO_CONTENT_204);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send();
    }

    // ---------------------------------------------------------------- bearer tokens

    /** True when the request carries an {@code Authorization} or {@code Authorize} header of any scheme. */
    public static boolean hasAuthorization(ServerRequest request) {
        return request.headers().contains(HeaderNames.AUTHORIZATION) || request.headers().contains(AUTHORIZE);
    }

    /**
     * An access token as presented: {@code dpop} when it came as {@code Authorization: DPoP}
     * (RFC 9449 §7.1), else as a bearer token.
     */
    public record PresentedToken(String token, boolean dpop) {
    }

    /**
     * The request's access token: {@code Authorization: DPoP <token>} (RFC 9449 §7.1), or a bearer
     * token as {@link #bearerToken} reads it.
     */
    public static PresentedToken presentedToken(ServerRequest request, String realm) {
        List<String> authorization = request.headers().values(HeaderNames.AUTHORIZATION);
        if (authorization.size() == 1 && !request.headers().contains(AUTHORIZE)) {
            String value = authorization.get(0).strip();
            if (value.regionMatches(true, 0, "DPoP ", 0, 5) && !value.substring(5).isBlank()) {
                return new PresentedToken(value.substring(5).strip(), true);
            }
        }
        return new PresentedToken(bearerToken(request, realm), false);
    }

    /**
     * Checks a presented token with {@code verifier}: a DPoP one with the request's proof for
     * {@code uri} (RFC 9449 §7), a bearer one as RFC 6750 says (a DPoP-bound token is refused as
     * bearer, §7.2).
     */
    public static Principal verified(TokenVerifier verifier, PresentedToken presented, ServerRequest request, URI uri,
                                     Set<String> scopes, String realm) {
        // RFC 8705 §3: a certificate-bound token is good only with the certificate it is bound to,
        // whichever scheme presents it.
        X509Certificate certificate = ClientCertificates.leaf(request);
        Verification verification = presented.dpop()
                ? verifier.verifyDPoP(presented.token(), request.headers().values(DPoPProofs.DPOP),
                request.prologue().method().text(), uri, scopes, certificate)
                : verifier.verify(presented.token(), scopes, certificate);
        return switch (verification) {
            case Verification.Invalid invalid -> throw unauthorized(invalid, realm);
            case Verification.Valid valid -> valid.principal();
        };
    }

    /**
     * RFC 6750 §2.1, and the reference's {@code Authorize} header. §2: a client uses one method
     * only, so two different tokens are an invalid_request rather than a guess at which one counts.
     */
    public static String bearerToken(ServerRequest request, String realm) {
        List<String> authorization = request.headers().values(HeaderNames.AUTHORIZATION);
        List<String> authorize = request.headers().values(AUTHORIZE);
        if (authorization.size() > 1 || authorize.size() > 1) {
            throw invalidRequest("more than one Authorization or Authorize header", realm);
        }
        String fromAuthorization = authorization.isEmpty() ? null : bearerValue(authorization.get(0));
        String fromAuthorize = authorize.isEmpty() ? null : bearerValue(authorize.get(0));
        if (fromAuthorization != null && fromAuthorize != null && !fromAuthorization.equals(fromAuthorize)) {
            throw invalidRequest("Authorization and Authorize carry different tokens", realm);
        }
        String token = fromAuthorization != null ? fromAuthorization : fromAuthorize;
        if (token == null) {
            // RFC 6750 §3.1: no authentication information, so no error code; just the challenge.
            throw new Refusal(401, null, "a bearer token is required (Authorization: Bearer <token>)",
                    "Bearer realm=\"" + realm + "\"", null);
        }
        return token;
    }

    /** The token of a {@code Bearer} credential (scheme case-insensitive, RFC 7235 §2.1); null for other schemes. */
    private static String bearerValue(String header) {
        String value = header.strip();
        if (value.length() < 7 || !value.substring(0, 7).equalsIgnoreCase("Bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    public static Refusal unauthorized(Verification.Invalid invalid, String realm) {
        Reason reason = invalid.reason();
        String error = reason.error() != null ? reason.error() : "temporarily_unavailable";
        return new Refusal(reason.httpStatus(), error, invalid.description(), invalid.wwwAuthenticate(realm), null,
                invalid.dpopNonce());
    }

    public static Refusal invalidRequest(String description, String realm) {
        // RFC 6750 §3.1: invalid_request is 400, and the challenge says so.
        return new Refusal(400, "invalid_request", description,
                "Bearer realm=\"" + realm + "\", error=\"invalid_request\", error_description=\"" + description + "\"",
                null);
    }

    // ---------------------------------------------------------------- request bodies and queries

    public static Map<String, Object> jsonBody(ServerRequest request, Set<String> mediaTypes, int maxBytes) {
        if (!RequestContentType.isAny(request, mediaTypes)) {
            throw new Refusal(415, "invalid_request", "Content-Type must be " + String.join(" or ", mediaTypes)
                    + " (UTF-8)", null, null);
        }
        String body;
        try {
            body = RequestBody.read(request, maxBytes);
        } catch (HttpFailure e) {
            throw new Refusal(e.error().getHTTPStatusCode(), "invalid_request", e.error().getDescription(), null, null);
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new Refusal(400, "invalid_request", "body is not a JSON object", null, null);
        }
        DuplicateKeys.in(body).ifPresent(name -> {
            throw new Refusal(400, "invalid_request", "member " + printable(name) + " is repeated", null, null);
        });
        return json;
    }

    public static Map<String, String> singleValued(ServerRequest request) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : request.query().names()) {
            List<String> values = request.query().all(name);
            if (values.size() > 1) {
                throw invalidFields("invalid query parameters", Map.of(printable(name), "repeated"));
            }
            query.put(name, values.isEmpty() ? "" : values.get(0));
        }
        return query;
    }

    public static int number(Map<String, String> query, String name, int absent, int min, int max,
                             Map<String, String> fields) {
        String raw = query.get(name);
        if (raw == null) {
            return absent;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fields.put(name, "must be a whole number from " + min + (max == Integer.MAX_VALUE ? " up" : " to " + max));
        return absent;
    }

    /** A client-chosen name echoed back: only printable ASCII, and not too much of it. */
    public static String printable(String name) {
        return PrintableEcho.of(name, 64);
    }

    public static Refusal invalidFields(String description, Map<String, String> fields) {
        return new Refusal(400, "invalid_request", description, null, fields);
    }

    public static Refusal notFound(String description) {
        return new Refusal(404, "not_found", description, null, null);
    }
}
