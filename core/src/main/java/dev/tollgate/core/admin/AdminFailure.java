package dev.tollgate.core.admin;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Why an administrative operation was refused: the one vocabulary of the admin API, the console
 * and the CLI, each of which maps it once (to a status, a page, an exit code). Anything else
 * thrown out of an operation is a fault of ours, not of the request, and is answered as such
 * (500 with a correlation id), never with its message.
 *
 * <p>Messages are written for the person or program that made the request: they name the
 * request's own values and nothing of other tenants or objects the caller may not see.
 */
public abstract sealed class AdminFailure extends RuntimeException {

    private AdminFailure(String message) {
        // No stack trace: these are answers, not faults, and some are thrown per wrong password.
        super(message, null, false, false);
    }

    /** Values refused, each field with what is wrong with it; every problem of a request at once. */
    public static final class Invalid extends AdminFailure {

        /** The key of a problem that belongs to no single field. */
        public static final String REQUEST = "";

        private final Map<String, String> fields;

        public Invalid(Map<String, String> fields) {
            super(describe(fields));
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("an Invalid names at least one field");
            }
            this.fields = Map.copyOf(fields);
        }

        public static Invalid of(String field, String problem) {
            return new Invalid(Map.of(field, problem));
        }

        /** Field name to problem; {@link #REQUEST} for one of the request as a whole. */
        public Map<String, String> fields() {
            return fields;
        }

        private static String describe(Map<String, String> fields) {
            // "current_password" + "is wrong" reads as "current password is wrong".
            return fields.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey().isEmpty() ? e.getValue() : e.getKey().replace('_', ' ') + " " + e.getValue())
                    .collect(java.util.stream.Collectors.joining("; "));
        }
    }

    /** The request is well formed but the current state forbids it. */
    public static final class Conflict extends AdminFailure {

        /** What a program can branch on. */
        public enum Code {
            /** An object with that name or id exists already. */
            DUPLICATE,
            /** Still referred to (a scope granted to clients). */
            IN_USE,
            /** The tenant would be left without an admin holding role admin. */
            LAST_ADMIN,
            /** Built in or a default credential: may be changed, not removed. */
            BUILT_IN,
            /** Not possible in the object's current state (no second factor to reset, oneself). */
            STATE,
            /** Someone else changed the same thing at the same moment; nothing was changed. */
            CONCURRENT_CHANGE;

            public String wireName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        private final Code code;

        public Conflict(Code code, String message) {
            super(message);
            this.code = Objects.requireNonNull(code, "code");
        }

        public Code code() {
            return code;
        }
    }

    /**
     * The tenant, client, scope, admin or user does not exist, or belongs to another tenant than
     * the caller's: the two are one answer, so a refusal confirms nothing.
     */
    public static final class NotFound extends AdminFailure {

        public NotFound(String message) {
            super(message);
        }
    }

    /** The caller is known and in the right tenant but lacks a capability. */
    public static final class Forbidden extends AdminFailure {

        private final Capability capability;

        /** @param capability the one missing, or null when the refusal is about another's rank */
        public Forbidden(Capability capability, String message) {
            super(message);
            this.capability = capability;
        }

        /** The capability the caller lacks, if one names the refusal. */
        public java.util.Optional<Capability> capability() {
            return java.util.Optional.ofNullable(capability);
        }
    }

    /** Too many failures from this caller or for this account: try again after {@link #retryAfter}. */
    public static final class Throttled extends AdminFailure {

        private final Duration retryAfter;

        public Throttled(Duration retryAfter, String message) {
            super(message);
            this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }
}
