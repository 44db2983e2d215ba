package dev.tollgate.server.api;

import dev.tollgate.server.http.PathTenant;
import com.nimbusds.jwt.JWTParser;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminViews;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.UserOperations;
import dev.tollgate.server.http.ClientCertificates;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.server.http.DPoPProofs;
import dev.tollgate.verifier.Principal;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.revocation.Revocations;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.user.User;
import dev.tollgate.core.user.UserValidation;
import dev.tollgate.verifier.Reason;
import dev.tollgate.verifier.TokenVerifier;
import dev.tollgate.verifier.Verification;
import dev.tollgate.server.api.JsonApi.Refusal;

import static dev.tollgate.server.api.JsonApi.*;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.security.cert.X509Certificate;
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
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 100;

    private static final Set<String> WRITABLE = Set.of(UserValidation.USERNAME, UserValidation.EMAIL,
            UserValidation.FIRST_NAME, UserValidation.LAST_NAME);
    private static final Set<String> LIST_PARAMETERS = Set.of("username", "email", "page", "size", "offset", "limit");

    private final TenantVerifiers verifiers;
    private final DPoPProofs dpop;
    private final Directory directory;
    private final UserRepository users;
    private final UserOperations operations;

    /** limits.max-body-bytes: the largest JSON body read. */
    private final int maxBodyBytes;

    /**
     * @param users      reads the directory
     * @param operations changes it, audited, with the token's client as the actor
     */
    public UsersEndpoint(Directory directory, UserRepository users, UserOperations operations, Revocations revocations,
                         Function<TenantId, String> issuers, Clock clock, int maxBodyBytes, DPoPProofs dpop) {
        this.maxBodyBytes = maxBodyBytes;
        this.dpop = dpop;
        this.verifiers = new TenantVerifiers(directory, issuers, clock, revocations, dpop);
        this.directory = directory;
        this.users = users;
        this.operations = operations;
    }

    /** {@code /t/{tenant}/api/v1/users}: GET lists, POST creates. */
    public void collection(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            Method method = request.prologue().method();
            TenantId tenant = PathTenant.of(request);
            Principal caller = authorizeInPathTenant(request, tenant, method == Method.GET ? READ : WRITE);
            if (method == Method.GET) {
                list(request, response, tenant);
            } else {
                create(request, response, writer(request, tenant, caller));
            }
        });
    }

    /** {@code /t/{tenant}/api/v1/users/{id}}: GET, PUT, PATCH, DELETE. */
    public void item(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.PUT, Method.PATCH, Method.DELETE), () -> {
            Method method = request.prologue().method();
            TenantId tenant = PathTenant.of(request);
            Principal caller = authorizeInPathTenant(request, tenant, method == Method.GET ? READ : WRITE);
            String id = request.path().pathParameters().first("id").orElse("");
            // A malformed id names no user; the same 404 as a missing one, or one of another tenant.
            User existing = (User.isId(id) ? users.find(tenant, id) : Optional.<User>empty())
                    .orElseThrow(UsersEndpoint::noSuchUser);
            if (method == Method.GET) {
                sendJson(response, 200, toJson(existing));
            } else if (method == Method.DELETE) {
                refusedInApiTerms(() -> {
                    operations.delete(writer(request, tenant, caller), tenant, id);
                    return null;
                });
                response.status(Status.NO_CONTENT_204);
                response.header(HeaderNames.CACHE_CONTROL, "no-store");
                response.send();
            } else {
                update(request, response, writer(request, tenant, caller), existing, method == Method.PATCH);
            }
        });
    }

    /** {@code /pam/apps/users/user/}: the reference's shape; the token's tenant is the one served. */
    public void pam(ServerRequest request, ServerResponse response) {
        handle(request, response, Set.of(Method.GET, Method.POST), () -> {
            Method method = request.prologue().method();
            PresentedToken token = presentedToken(request, REALM);
            String scope = method == Method.GET ? READ : WRITE;
            // The unverified customer_id only chooses which tenant's verifier checks the token; the
            // verifier then pins that tenant, so a forged customer_id fails the signature or issuer check.
            TenantId tenant = claimedTenant(token.token())
                    .orElseThrow(() -> unauthorized(new Verification.Invalid(Reason.MALFORMED,
                            "token names no tenant of this server", Set.of(scope)), REALM));
            Principal caller = authorize(request, token, tenant, scope);
            if (method == Method.GET) {
                list(request, response, tenant);
            } else {
                create(request, response, writer(request, tenant, caller));
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

    private void create(ServerRequest request, ServerResponse response, Actor writer) {
        TenantId tenant = writer.tenant();
        Map<String, Object> json = jsonBody(request, Set.of("application/json"), maxBodyBytes);
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> values = validated(fields, strings(json, fields));
        User user = refusedInApiTerms(() -> operations.create(writer, tenant, values.get(UserValidation.USERNAME),
                values.get(UserValidation.EMAIL), values.get(UserValidation.FIRST_NAME),
                values.get(UserValidation.LAST_NAME)));
        response.header(HeaderNames.LOCATION, "/t/" + tenant.value() + "/api/v1/users/" + user.id());
        sendJson(response, 201, toJson(user));
    }

    /** PUT replaces every field (an absent name becomes null); PATCH (RFC 7396) changes the fields given. */
    private void update(ServerRequest request, ServerResponse response, Actor writer, User existing, boolean patch) {
        Map<String, Object> json = jsonBody(request, patch
                ? Set.of("application/json", "application/merge-patch+json") : Set.of("application/json"), maxBodyBytes);
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
        Map<String, String> v = validated(fields, values);
        User changed = refusedInApiTerms(() -> operations.replace(writer, existing.tenantId(), existing.id(),
                v.get(UserValidation.USERNAME), v.get(UserValidation.EMAIL), v.get(UserValidation.FIRST_NAME),
                v.get(UserValidation.LAST_NAME)));
        sendJson(response, 200, toJson(changed));
    }

    // ---------------------------------------------------------------- authorization

    private Principal authorizeInPathTenant(ServerRequest request, TenantId tenant, String scope) {
        PresentedToken token = presentedToken(request, REALM);
        if (tenant == null || directory.tenant(tenant).isEmpty()) {
            throw new Refusal(404, "not_found", "unknown tenant", null, null);
        }
        return authorize(request, token, tenant, scope);
    }

    /**
     * A token with {@code users:write} is the users API's capability to manage users: its client
     * acts through the same audited operations as an admin in the console.
     */
    private static Actor writer(ServerRequest request, TenantId tenant, Principal caller) {
        return new Actor(tenant, Actor.Kind.CLIENT, caller.clientId(), caller.clientId(),
                Set.of(Capability.MANAGE_USERS), RemoteAddress.of(request));
    }

    /** The operations' refusals in this API's established words (RFC 6750 errors and field lists). */
    private static <T> T refusedInApiTerms(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (AdminFailure.NotFound e) {
            throw noSuchUser();
        } catch (AdminFailure.Conflict e) {
            throw usernameTaken();
        } catch (AdminFailure.Invalid e) {
            throw invalidFields("invalid fields: " + String.join(", ", new java.util.TreeSet<>(e.fields().keySet())),
                    e.fields());
        }
    }

    private static Refusal noSuchUser() {
        return new Refusal(404, "not_found", "no such user", null, null);
    }

    /**
     * The verifier pins issuer, audience and tenant (a token of another tenant is invalid_token
     * here) and asks {@link #isRevoked} before it checks the scope, so a revoked token is always a
     * 401, never a 403 that would suggest asking for more scope with it. A certificate-bound token
     * (RFC 8705 §3) is good only with the certificate the request came with.
     */
    private Principal authorize(ServerRequest request, PresentedToken token, TenantId tenant, String scope) {
        TokenVerifier verifier = verifiers.forTenant(tenant)
                .orElseThrow(() -> unauthorized(new Verification.Invalid(Reason.MALFORMED,
                        "token names no tenant of this server", Set.of(scope)), REALM));
        return verified(verifier, token, request, dpop.requestUri(tenant, request), Set.of(scope), REALM);
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

    /**
     * The values when every field is fine; otherwise one 400 naming every bad field: the wrong
     * types found here and the values {@link UserValidation} refuses, together.
     */
    private static Map<String, String> validated(Map<String, String> fields, Map<String, String> values) {
        UserValidation check = UserValidation.of(values.get(UserValidation.USERNAME),
                values.get(UserValidation.EMAIL), values.get(UserValidation.FIRST_NAME),
                values.get(UserValidation.LAST_NAME));
        check.errors().forEach(fields::putIfAbsent);
        if (!fields.isEmpty()) {
            throw invalidFields("invalid fields: " + String.join(", ", fields.keySet()), fields);
        }
        return values;
    }

    private static Refusal usernameTaken() {
        return new Refusal(409, "conflict", "username is already taken in this tenant", null,
                Map.of(UserValidation.USERNAME, "already taken"));
    }

    // ---------------------------------------------------------------- responses

    static Map<String, Object> toJson(User user) {
        Map<String, Object> json = AdminViews.userFields(user);
        json.put("created_at", user.createdAt().toString());
        json.put("updated_at", user.updatedAt().toString());
        return json;
    }
}
