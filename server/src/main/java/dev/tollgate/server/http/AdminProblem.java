package dev.tollgate.server.http;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * What an administrative operation's failure means to whoever asked, decided here once for the
 * admin API (a JSON error), the console (an error page or a message beside the form) and the CLI
 * (a message and an exit code): the {@link AdminFailure} family by its kind; a duplicate key the
 * store found as a conflict; a failing store as retryable. Anything else is a fault of ours: it is
 * logged with its stack trace under a correlation id, and the answer carries only that id, never
 * the exception's message (an {@code IllegalStateException} from a bug is not a conflict).
 *
 * @param status        the HTTP status
 * @param error         the machine-readable code ({@code invalid_request}, {@code conflict}, …)
 * @param message       for the person or program that asked
 * @param fields        field name to problem, for {@code invalid_request}; empty otherwise
 * @param retryAfter    when to try again, for 429 and 503; null otherwise
 * @param correlationId the log's id of an internal failure; null otherwise
 */
public record AdminProblem(int status, String error, String message, Map<String, String> fields,
                           Duration retryAfter, String correlationId) {

    private static final Logger LOG = LoggerFactory.getLogger(AdminProblem.class);

    /** How long a client waits before retrying a store that did not answer. */
    public static final Duration STORE_RETRY = Duration.ofSeconds(5);

    public AdminProblem {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    public static AdminProblem of(Throwable failure) {
        return switch (failure) {
            case AdminFailure.Invalid invalid ->
                    new AdminProblem(400, "invalid_request", invalid.getMessage(), invalid.fields(), null, null);
            case AdminFailure.NotFound notFound -> new AdminProblem(404, "not_found", notFound.getMessage(), null, null, null);
            case AdminFailure.Forbidden forbidden ->
                    new AdminProblem(403, "forbidden", forbidden.getMessage(), null, null, null);
            case AdminFailure.Conflict conflict ->
                    new AdminProblem(409, conflict.code().wireName(), conflict.getMessage(), null, null, null);
            case AdminFailure.Throttled throttled ->
                    new AdminProblem(429, "too_many_attempts", throttled.getMessage(), null, throttled.retryAfter(), null);
            // The store's message names tables and constraints: say it in our words.
            case DuplicateException duplicate -> new AdminProblem(409, AdminFailure.Conflict.Code.DUPLICATE.wireName(),
                    "already exists", null, null, null);
            case StoreException store -> {
                LOG.warn("store unavailable: {}", store.getMessage());
                yield new AdminProblem(503, "temporarily_unavailable", "the store is unavailable; retry shortly",
                        null, STORE_RETRY, null);
            }
            // A value type refusing a value the request carried (a scope name, a duration): the request's fault.
            case IllegalArgumentException invalid -> new AdminProblem(400, "invalid_request",
                    PrintableEcho.of(String.valueOf(invalid.getMessage()), 300), null, null, null);
            default -> {
                String id = UUID.randomUUID().toString();
                LOG.error("internal failure {}", id, failure);
                yield new AdminProblem(500, "server_error", "internal error; the server log has it under " + id,
                        null, null, id);
            }
        };
    }

    /** 4xx: the request's fault, shown beside a form; 5xx are not. */
    public boolean isClientError() {
        return status < 500;
    }
}
