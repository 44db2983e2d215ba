package dev.tollgate.server.api;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;
import dev.tollgate.core.user.UserValidation;
import dev.tollgate.server.http.HttpFailure;
import dev.tollgate.server.http.RequestBody;
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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The users API, the example API of the first reference document: a tenant's user directory
 * behind access tokens, checked with the {@code tollgate-verifier} library exactly as an API
 * outside Tollgate would check them.
 *
 * <pre>
 * GET    /t/{tenant}/api/v1/users?username=&amp;email=&amp;page=&amp;size=   users:read   200 {"users":[…],"total":…}
 * POST   /t/{tenant}/api/v1/users                                 users:write  201 + Location
 * GET    /t/{tenant}/api/v1/users/{id}                            users:read   200
 * PUT    /t/{tenant}/api/v1/users/{id}   (every field)            users:write  200
 * PATCH  /t/{tenant}/api/v1/users/{id}   (the fields given)       users:write  200
 * DELETE /t/{tenant}/api/v1/users/{id}                            users:write  204
 * GET|POST /pam/apps/users/user/   the reference's shape: the tenant is the token's customer_id
 * </pre>
 *
 * <p>The token comes in {@code Authorization: Bearer …} (RFC 6750 §2.1) or in the reference's
 * {@code Authorize: Bearer …}. Refusals follow RFC 6750 §3: 401 with {@code WWW-Authenticate}
 * for a missing, invalid or revoked token, 403 {@code insufficient_scope}, 400 {@code invalid_request}.
 */
public final class UsersEndpoint {

    static final String READ = "users:read";
    static final String WRITE = "users:write";
    static final String REALM = "users-api";
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private static final HeaderName AUTHORIZE = HeaderNames.create("Authorize");
    private static final String JSON = "application/json;charset=UTF-8";
    private static final Set<String> WRITABLE = Set.of(UserValidation.USERNAME, UserValidation.EMAIL,
            UserValidation.FIRST_NAME, UserValidation.LAST_NAME);
    private static final Set<String> LIST_PARAMETERS = Set.of("username", "email", "page", "size", "offset", "limit");

    private final TenantVerifiers verifiers;
    private final Directory directory;
    private final UserRepository users;
    private final Revocations revocations;
    private final Clock clock;

    public UsersEndpoint(Directory directory, UserRepository users, Revocations revocations,
                         Function<TenantId, String> issuers, Clock clock) {
        this.verifiers = new TenantVerifiers(directory, issuers, clock, this::isRevoked);
        this.directory = directory;
        this.users = users;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** {@code /t/{tenant}/api/v1/users}: GET lists, POST creates. */
    public void collection(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            Method method = request.prologue().method();
            TenantId tenant = authorizeInPathTenant(request, method == Method.GET ? READ : WRITE);
            if (method == Method.GET) {
                list(request, response, tenant);
            } else {
                create(request, response, tenant);
            }
        });
    }

    /** {@code /t/{tenant}/api/v1/users/{id}}: GET, PUT, PATCH, DELETE. */
    public void item(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.PUT, Method.PATCH, Method.DELETE), () -> {
            Method method = request.prologue().method();
            TenantId tenant = authorizeInPathTenant(request, method == Method.GET ? READ : WRITE);
            String id = request.path().pathParameters().first("id").orElse("");
            // A malformed id names no user; the same 404 as a missing one, or one of another tenant.
            User existing = (User.isId(id) ? users.find(tenant, id) : Optional.<User>empty())
                    .orElseThrow(() -> new Refusal(404, "not_found", "no such user", null, null));
            if (method == Method.GET) {
                sendJson(response, 200, toJson(existing));
            } else if (method == Method.DELETE) {
                if (!users.delete(tenant, id)) {
                    throw new Refusal(404, "not_found", "no such user", null, null);
                }
                response.status(Status.NO_CONTENT_204);
                response.header(HeaderNames.CACHE_CONTROL, "no-store");
                response.send();
            } else {
                update(request, response, existing, method == Method.PATCH);
            }
        });
    }

    /** {@code /pam/apps/users/user/}: the reference's shape; the token's tenant is the one served. */
    public void pam(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            Method method = request.prologue().method();
            String token = bearerToken(request);
            String scope = method == Method.GET ? READ : WRITE;
            // The unverified customer_id only chooses which tenant's verifier checks the token; the
            // verifier then pins that tenant, so a forged customer_id fails the signature or issuer check.
            TenantId tenant = claimedTenant(token)
                    .orElseThrow(() -> unauthorized(new Verification.Invalid(Reason.MALFORMED,
                            "token names no tenant of this server", Set.of(scope))));
            authorize(token, tenant, scope);
            if (method == Method.GET) {
                list(request, response, tenant);
            } else {
                create(request, response, tenant);
            }
        });
    }

    // ---------------------------------------------------------------- operations

    private void list(ServerRequest request, ServerResponse response, TenantId tenant) {
        Map<String, String> query = singleValued(request);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String name : query.keySet()) {
            if (!LIST_PARAMETERS.contains(name)) {
                fields.put(printable(name), "unknown parameter; one of " + String.join(", ", LIST_PARAMETERS));
            }
        }
        boolean pageForm = query.containsKey("page") || query.containsKey("size");
        boolean offsetForm = query.containsKey("offset") || query.containsKey("limit");
        if (pageForm && offsetForm) {
            fields.put("page", "use page and size, or offset and limit, not both");
        }
        int limit = number(query, pageForm ? "size" : "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, fields);
        int offset;
        if (pageForm) {
            int page = number(query, "page", 1, 1, Integer.MAX_VALUE, fields);
            offset = (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * limit);
        } else {
            offset = number(query, "offset", 0, 0, Integer.MAX_VALUE, fields);
        }
        if (!fields.isEmpty()) {
            throw invalidFields("invalid query parameters", fields);
        }
        UserRepository.Filter filter = new UserRepository.Filter(query.get("username"), query.get("email"));
        List<User> page = users.list(tenant, filter, offset, limit);
        long total = users.count(tenant, filter);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", page.stream().map(UsersEndpoint::toJson).toList());
        body.put("total", total);
        body.put("offset", offset);
        body.put("limit", limit);
        if (pageForm) {
            body.put("page", offset / limit + 1);
            body.put("size", limit);
        }
        sendJson(response, 200, body);
    }

    private void create(ServerRequest request, ServerResponse response, TenantId tenant) {
        Map<String, Object> json = jsonBody(request, Set.of("application/json"));
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> values = strings(json, fields);
        User user = validated(fields, values, v -> User.create(tenant, v.get(UserValidation.USERNAME),
                v.get(UserValidation.EMAIL), v.get(UserValidation.FIRST_NAME), v.get(UserValidation.LAST_NAME),
                clock.instant()));
        try {
            users.insert(user);
        } catch (DuplicateException e) {
            throw usernameTaken();
        }
        response.header(HeaderNames.LOCATION, "/t/" + tenant.value() + "/api/v1/users/" + user.id());
        sendJson(response, 201, toJson(user));
    }

    /** PUT replaces every field (an absent name becomes null); PATCH (RFC 7396) changes the fields given. */
    private void update(ServerRequest request, ServerResponse response, User existing, boolean patch) {
        Map<String, Object> json = jsonBody(request, patch
                ? Set.of("application/json", "application/merge-patch+json") : Set.of("application/json"));
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> values = strings(json, fields);
        if (patch) {
            Map<String, String> merged = new LinkedHashMap<>();
            merged.put(UserValidation.USERNAME, existing.username());
            merged.put(UserValidation.EMAIL, existing.email());
            merged.put(UserValidation.FIRST_NAME, existing.firstName());
            merged.put(UserValidation.LAST_NAME, existing.lastName());
            for (String name : WRITABLE) {
                if (json.containsKey(name)) {
                    merged.put(name, values.get(name));
                }
            }
            values = merged;
        }
        User changed = validated(fields, values, v -> existing.withFields(v.get(UserValidation.USERNAME),
                v.get(UserValidation.EMAIL), v.get(UserValidation.FIRST_NAME), v.get(UserValidation.LAST_NAME),
                clock.instant()));
        try {
            if (!users.update(changed)) {
                throw new Refusal(404, "not_found", "no such user", null, null);
            }
        } catch (DuplicateException e) {
            throw usernameTaken();
        }
        sendJson(response, 200, toJson(changed));
    }

    // ---------------------------------------------------------------- authorization

    private TenantId authorizeInPathTenant(ServerRequest request, String scope) {
        String token = bearerToken(request);
        String raw = request.path().pathParameters().first("tenant").orElse("");
        if (!TenantId.isValid(raw) || directory.tenant(TenantId.of(raw)).isEmpty()) {
            throw new Refusal(404, "not_found", "unknown tenant", null, null);
        }
        TenantId tenant = TenantId.of(raw);
        authorize(token, tenant, scope);
        return tenant;
    }

    /**
     * The verifier pins issuer, audience and tenant (a token of another tenant is invalid_token
     * here) and asks {@link #isRevoked} before it checks the scope, so a revoked token is always a
     * 401, never a 403 that would suggest asking for more scope with it.
     */
    private void authorize(String token, TenantId tenant, String scope) {
        TokenVerifier verifier = verifiers.forTenant(tenant)
                .orElseThrow(() -> unauthorized(new Verification.Invalid(Reason.MALFORMED,
                        "token names no tenant of this server", Set.of(scope))));
        if (verifier.verify(token, Set.of(scope)) instanceof Verification.Invalid invalid) {
            throw unauthorized(invalid);
        }
    }

    /** RFC 7009 revocations, by jti or client-wide; kept in memory by {@link Revocations}, so no store call. */
    private boolean isRevoked(Principal principal) {
        TenantId tenant = TenantId.of(principal.tenant());
        if (!ClientId.isValid(principal.clientId()) || !(principal.claims().get("iat") instanceof Number iat)) {
            return true;
        }
        return revocations.isRevoked(tenant, new ClientId(principal.clientId()), principal.jti(),
                Instant.ofEpochSecond(iat.longValue()));
    }

    /**
     * RFC 6750 §2.1, and the reference's {@code Authorize} header. §2: a client uses one method
     * only, so two different tokens are an invalid_request rather than a guess at which one counts.
     */
    private static String bearerToken(ServerRequest request) {
        List<String> authorization = request.headers().values(HeaderNames.AUTHORIZATION);
        List<String> authorize = request.headers().values(AUTHORIZE);
        if (authorization.size() > 1 || authorize.size() > 1) {
            throw invalidRequest("more than one Authorization or Authorize header");
        }
        String fromAuthorization = authorization.isEmpty() ? null : bearerValue(authorization.get(0));
        String fromAuthorize = authorize.isEmpty() ? null : bearerValue(authorize.get(0));
        if (fromAuthorization != null && fromAuthorize != null && !fromAuthorization.equals(fromAuthorize)) {
            throw invalidRequest("Authorization and Authorize carry different tokens");
        }
        String token = fromAuthorization != null ? fromAuthorization : fromAuthorize;
        if (token == null) {
            // RFC 6750 §3.1: no authentication information, so no error code; just the challenge.
            throw new Refusal(401, null, "a bearer token is required (Authorization: Bearer <token>)",
                    "Bearer realm=\"" + REALM + "\"", null);
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

    private Optional<TenantId> claimedTenant(String token) {
        try {
            Object claimed = JWTParser.parse(token).getJWTClaimsSet().getClaim("customer_id");
            if (claimed instanceof String s && TenantId.isValid(s) && directory.tenant(TenantId.of(s)).isPresent()) {
                return Optional.of(TenantId.of(s));
            }
        } catch (java.text.ParseException | RuntimeException e) {
            // Not a JWT: no tenant to choose.
        }
        return Optional.empty();
    }

    private static Refusal unauthorized(Verification.Invalid invalid) {
        Reason reason = invalid.reason();
        String error = reason.error() != null ? reason.error() : "temporarily_unavailable";
        return new Refusal(reason.httpStatus(), error, invalid.description(), invalid.wwwAuthenticate(REALM), null);
    }

    private static Refusal invalidRequest(String description) {
        // RFC 6750 §3.1: invalid_request is 400, and the challenge says so.
        return new Refusal(400, "invalid_request", description,
                "Bearer realm=\"" + REALM + "\", error=\"invalid_request\", error_description=\"" + description + "\"",
                null);
    }

    // ---------------------------------------------------------------- request bodies

    private static Map<String, Object> jsonBody(ServerRequest request, Set<String> mediaTypes) {
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        boolean utf8 = true;
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].strip().split("=", 2);
            if (parameter[0].strip().equals("charset")
                    && (parameter.length < 2 || !parameter[1].strip().replace("\"", "").equals("utf-8"))) {
                utf8 = false;
            }
        }
        if (!mediaTypes.contains(parts[0].strip()) || !utf8) {
            throw new Refusal(415, "invalid_request", "Content-Type must be " + String.join(" or ", mediaTypes)
                    + " (UTF-8)", null, null);
        }
        String body;
        try {
            body = RequestBody.read(request, MAX_BODY_BYTES);
        } catch (HttpFailure e) {
            throw new Refusal(e.error().getHTTPStatusCode(), "invalid_request", e.error().getDescription(), null, null);
        }
        try {
            return JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            throw new Refusal(400, "invalid_request", "body is not a JSON object", null, null);
        }
    }

    /**
     * The writable string fields of {@code json}; every other member (including {@code id},
     * {@code created_at} and {@code tenant}, which the server owns) is an error naming it, so
     * nothing is assigned that the API does not offer to set.
     */
    private static Map<String, String> strings(Map<String, Object> json, Map<String, String> fields) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> member : json.entrySet()) {
            String name = member.getKey();
            if (!WRITABLE.contains(name)) {
                fields.put(printable(name), "not a writable field; the writable ones are username, email, "
                        + "first_name and last_name");
            } else if (member.getValue() instanceof String s) {
                values.put(name, s);
            } else if (member.getValue() != null) {
                fields.put(name, "must be a string");
            }
        }
        return values;
    }

    /** Builds the user when every field is fine; otherwise one 400 naming every bad field. */
    private static User validated(Map<String, String> fields, Map<String, String> values,
                                  Function<Map<String, String>, User> build) {
        UserValidation check = UserValidation.of(values.get(UserValidation.USERNAME),
                values.get(UserValidation.EMAIL), values.get(UserValidation.FIRST_NAME),
                values.get(UserValidation.LAST_NAME));
        check.errors().forEach(fields::putIfAbsent);
        if (!fields.isEmpty()) {
            throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
        }
        return build.apply(values);
    }

    private static Map<String, String> singleValued(ServerRequest request) {
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

    private static int number(Map<String, String> query, String name, int absent, int min, int max,
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
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 64; i++) {
            char c = name.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return out.toString();
    }

    private static Refusal invalidFields(String description, Map<String, String> fields) {
        return new Refusal(400, "invalid_request", description, null, fields);
    }

    private static Refusal usernameTaken() {
        return new Refusal(409, "conflict", "username is already taken in this tenant", null,
                Map.of(UserValidation.USERNAME, "already taken"));
    }

    // ---------------------------------------------------------------- responses

    static Map<String, Object> toJson(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id());
        json.put("username", user.username());
        json.put("email", user.email());
        json.put("first_name", user.firstName());
        json.put("last_name", user.lastName());
        json.put("created_at", user.createdAt().toString());
        json.put("updated_at", user.updatedAt().toString());
        return json;
    }

    private static void sendJson(ServerResponse response, int status, Map<String, Object> body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, JSON);
        // Users are personal data: no shared cache keeps them (RFC 9111 §5.2.2.5).
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(JSONValue.toJSONString(body).getBytes(StandardCharsets.UTF_8));
    }

    private interface Work {
        void run();
    }

    private static void handle(ServerRequest request, ServerResponse response, Set<Method> allowed, Work work) {
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
            sendJson(response, refusal.status, error(refusal.error, refusal.getMessage(), refusal.fields));
        }
    }

    private static Map<String, Object> error(String code, String description, Map<String, String> fields) {
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

    /** A request answered with an error; thrown out of the operation to {@link #handle}. */
    private static final class Refusal extends RuntimeException {
        final int status;
        final String error;
        final String challenge;
        final Map<String, String> fields;

        Refusal(int status, String error, String description, String challenge, Map<String, String> fields) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
            this.challenge = challenge;
            this.fields = fields;
        }
    }
}
