package dev.tollgate.server.console;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is wrong with each field of a refused form, collected all at once, so one round trip
 * fixes them all (a form with three bad fields says three things, not one at a time). The form is
 * shown again with the values sent; each message stands under its field, and the page's alert
 * counts them.
 */
public final class FieldErrors {

    private final Map<String, String> messages = new LinkedHashMap<>();

    /** A field's first message is kept: it is the one to fix first. */
    void add(String field, String message) {
        messages.putIfAbsent(field, message);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public int count() {
        return messages.size();
    }

    public boolean has(String field) {
        return messages.containsKey(field);
    }

    /** The message for {@code field}; null when it is fine. */
    public String message(String field) {
        return messages.get(field);
    }

    /** {@code "true"} for a field with a message, else null, which leaves the {@code aria-invalid} attribute out. */
    public String invalid(String field) {
        return has(field) ? "true" : null;
    }

    /** The id of the field's message, for {@code aria-describedby}; null (no attribute) when it is fine. */
    public String describedBy(String field, String inputId) {
        return has(field) ? inputId + "-error" : null;
    }

    /** The sentence above the form. */
    String summary() {
        return count() == 1 ? "One field needs changing: see the message under it."
                : count() + " fields need changing: see the message under each.";
    }
}
