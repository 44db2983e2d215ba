package dev.tollgate.server.console;

import dev.tollgate.core.store.DuplicateException;
import io.helidon.http.Status;

/**
 * An operation's refusal that the page shows next to the form it came from: invalid values (400),
 * conflicts with the current state (409) and duplicates (409). Anything else (not found, not
 * allowed, a failing store) is not the form's fault and goes to the error page.
 */
record Failure(Status status, String message) {

    static Failure of(RuntimeException e) {
        if (e instanceof DuplicateException) {
            // The store's message may name tables and constraints: say it in the console's words.
            return new Failure(Status.CONFLICT_409, "That name is already taken.");
        }
        if (e instanceof IllegalArgumentException) {
            return new Failure(Status.BAD_REQUEST_400, message(e, "The values are not valid."));
        }
        if (e instanceof IllegalStateException) {
            return new Failure(Status.CONFLICT_409, message(e, "That can't be done in the current state."));
        }
        throw e;
    }

    private static String message(RuntimeException e, String fallback) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return fallback;
        }
        // The policy speaks in lower-case fragments ("current password is wrong"); a page shows sentences.
        message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return message.endsWith(".") ? message : message + ".";
    }
}
