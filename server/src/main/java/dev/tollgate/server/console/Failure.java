package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.server.http.AdminProblem;
import dev.tollgate.server.http.RetryAfter;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.Set;

/**
 * An operation's refusal that the page shows next to the form it came from: invalid values (400),
 * conflicts with the current state (409), too many wrong passwords (429). What it means is
 * {@link AdminProblem}'s decision, as for the admin API; anything that is not the form's fault (not
 * found, not allowed, a failing store, a bug) is rethrown to the error page.
 */
record Failure(Status status, String message, AdminProblem problem) {

    static Failure of(RuntimeException e) {
        if (e instanceof AdminFailure.NotFound || e instanceof AdminFailure.Forbidden) {
            throw e;
        }
        AdminProblem problem = AdminProblem.of(e);
        if (!problem.isClientError()) {
            throw e;
        }
        String message = problem.status() == Status.CONFLICT_409.code() && problem.fields().isEmpty()
                && !(e instanceof AdminFailure) ? "That name is already taken." : sentence(problem.message());
        return new Failure(Status.create(problem.status()), message, problem);
    }

    /**
     * The refusal's problems with fields the form shows, each to stand under its field (the tenant's
     * allow-list refusing an audience); empty when none is one of {@code shown}.
     */
    FieldErrors fieldErrors(Set<String> shown) {
        FieldErrors errors = new FieldErrors();
        problem.fields().forEach((field, problem) -> {
            if (shown.contains(field)) {
                errors.add(field, sentence(field + " " + problem));
            }
        });
        return errors;
    }

    /** The status, and when to try again if the refusal says so. */
    Status answer(ServerResponse response) {
        if (problem.retryAfter() != null) {
            RetryAfter.set(response, problem.retryAfter());
        }
        return status;
    }

    /** The policy speaks in lower-case fragments ("current password is wrong"); a page shows sentences. */
    private static String sentence(String message) {
        if (message == null || message.isBlank()) {
            return "The values are not valid.";
        }
        message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return message.endsWith(".") ? message : message + ".";
    }
}
