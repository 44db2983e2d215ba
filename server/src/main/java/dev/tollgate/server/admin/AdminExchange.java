package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import dev.tollgate.server.api.JsonApi.Refusal;
import dev.tollgate.server.http.AdminProblem;
import dev.tollgate.server.http.RetryAfter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What every admin API route does around its operation: refuse a method it does not take, read the
 * JSON body within {@code limits.max-body-bytes}, and turn whatever the operation threw into the
 * answer, through {@link AdminProblem} alone. The {@link Refusal}s of the HTTP layer itself (no or
 * a bad credential with its challenge, a missing CSRF token, an unreadable body) pass as they are.
 */
final class AdminExchange {

    /** RFC 7396 merge patches are JSON too. */
    private static final Set<String> PATCH_TYPES = Set.of("application/json", "application/merge-patch+json");

    private final int maxBodyBytes;

    AdminExchange(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Runs {@code work} when the method is allowed; any failure becomes its JSON error. */
    static void handle(ServerRequest request, ServerResponse response, Set<Method> allowed, JsonApi.Work work) {
        JsonApi.handle(request, response, allowed, () -> {
            try {
                work.run();
            } catch (Refusal refusal) {
                throw refusal;
            } catch (RuntimeException failure) {
                send(response, AdminProblem.of(failure));
            }
        });
    }

    /**
     * The error body, {@code error}, {@code error_description} and {@code fields} when there are
     * any, with {@code Retry-After} when the problem has one. Every 409 says {@code conflict}, as
     * it has since v1 of the API: clients branch on it, and the description says which conflict.
     * A 5xx carries only the correlation id, which {@link AdminProblem} logged with the cause.
     */
    static void send(ServerResponse response, AdminProblem problem) {
        if (problem.retryAfter() != null) {
            RetryAfter.set(response, problem.retryAfter());
        }
        String error = problem.status() == 409 ? "conflict" : problem.error();
        JsonApi.sendJson(response, problem.status(), JsonApi.error(error, problem.message(),
                problem.fields().isEmpty() ? null : new TreeMap<>(problem.fields())));
    }

    /** A JSON body. */
    Map<String, Object> json(ServerRequest request) {
        return JsonApi.jsonBody(request, Set.of("application/json"), maxBodyBytes);
    }

    /** A JSON body of a {@code PATCH}. */
    Map<String, Object> mergePatch(ServerRequest request) {
        return JsonApi.jsonBody(request, PATCH_TYPES, maxBodyBytes);
    }

    /** A JSON body that may be left out altogether; none is an empty object. */
    Map<String, Object> optionalJson(ServerRequest request) {
        boolean none = request.headers().contentLength().orElse(-1) == 0
                || (request.headers().contentLength().isEmpty()
                && !request.headers().contains(HeaderNames.TRANSFER_ENCODING));
        return none ? Map.of() : json(request);
    }

    /** The {@code Location} of an object created at {@code path} below the tenant's API. */
    static String location(TenantId tenant, String path) {
        return "/t/" + tenant.value() + "/admin/api/v1/" + path;
    }
}
