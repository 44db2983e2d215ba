package dev.tollgate.server.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 8259 §4 leaves duplicate member names to the parser, and ours keeps the last one: a body
 * {@code {"scope":"a","scope":"admin"}} means one thing to a proxy or log that reads the first and
 * another to us. Requests that repeat a name, at any depth, are refused instead. Run on text the
 * JSON parser already accepted, so only strings and structure need tracking here; names are
 * compared after their escapes are decoded ({@code "a"} and {@code "\u0061"} are one name).
 */
public final class DuplicateKeys {

    private DuplicateKeys() {
    }

    /** The first member name repeated within one object, if any. */
    public static Optional<String> in(String json) {
        Deque<Set<String>> objects = new ArrayDeque<>();
        // Per nesting level: whether the next string in an object is a member name.
        Deque<Boolean> expectingName = new ArrayDeque<>();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '{' -> {
                    objects.push(new HashSet<>());
                    expectingName.push(true);
                }
                case '[' -> {
                    objects.push(Set.of());
                    expectingName.push(false);
                }
                case '}', ']' -> {
                    objects.pop();
                    expectingName.pop();
                }
                case ',' -> {
                    if (!objects.isEmpty() && objects.peek() instanceof HashSet<?>) {
                        expectingName.pop();
                        expectingName.push(true);
                    }
                }
                case '"' -> {
                    StringBuilder text = new StringBuilder();
                    i = readString(json, i + 1, text);
                    if (!expectingName.isEmpty() && expectingName.peek()) {
                        if (!objects.peek().add(text.toString())) {
                            return Optional.of(text.toString());
                        }
                        expectingName.pop();
                        expectingName.push(false);
                    }
                }
                default -> {
                    // Values, whitespace and ':' carry no names.
                }
            }
        }
        return Optional.empty();
    }

    /** Decodes the string starting after its opening quote into {@code text}; returns its closing quote's index. */
    private static int readString(String json, int from, StringBuilder text) {
        int i = from;
        while (json.charAt(i) != '"') {
            char c = json.charAt(i);
            if (c == '\\') {
                char escaped = json.charAt(i + 1);
                switch (escaped) {
                    case 'u' -> {
                        text.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
                        i += 6;
                    }
                    case 'b' -> { text.append('\b'); i += 2; }
                    case 'f' -> { text.append('\f'); i += 2; }
                    case 'n' -> { text.append('\n'); i += 2; }
                    case 'r' -> { text.append('\r'); i += 2; }
                    case 't' -> { text.append('\t'); i += 2; }
                    default -> { text.append(escaped); i += 2; }
                }
            } else {
                text.append(c);
                i++;
            }
        }
        return i;
    }
}
