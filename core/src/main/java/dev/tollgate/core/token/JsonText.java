package dev.tollgate.core.token;

import java.util.List;

/**
 * Members of a flat JSON object appended straight to a {@link StringBuilder}: the token's claims
 * and the token response are written once, in order, instead of filling a map that a JSON library
 * then walks (Nimbus's claims set, json-smart's object), which was a third of a token's garbage.
 * Start with {@code new StringBuilder().append('{')}, end with {@code append('}')}.
 */
public final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    public static StringBuilder string(StringBuilder json, String name, String value) {
        return quoted(name(json, name), value);
    }

    public static StringBuilder number(StringBuilder json, String name, long value) {
        return name(json, name).append(value);
    }

    public static StringBuilder strings(StringBuilder json, String name, List<String> values) {
        name(json, name).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            quoted(json, values.get(i));
        }
        return json.append(']');
    }

    /** Opens a nested object member: {@code "name":{}; its members follow, then the caller appends '}'. */
    public static StringBuilder object(StringBuilder json, String name) {
        return name(json, name).append('{');
    }

    /** A member whose value is already JSON (a nested object written with these methods). */
    static StringBuilder raw(StringBuilder json, String name, CharSequence value) {
        return name(json, name).append(value);
    }

    private static StringBuilder name(StringBuilder json, String name) {
        if (json.charAt(json.length() - 1) != '{') {
            json.append(',');
        }
        return quoted(json, name).append(':');
    }

    /** RFC 8259 §7: quote, backslash and the control characters escaped; everything else as is. */
    static StringBuilder quoted(StringBuilder json, String value) {
        json.append('"');
        int plainFrom = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(value, plainFrom, i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        return json.append(value, plainFrom, value.length()).append('"');
    }
}
