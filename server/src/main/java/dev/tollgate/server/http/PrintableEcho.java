package dev.tollgate.server.http;

/**
 * Text a client chose, echoed back in an error or written to a record: printable ASCII only, and
 * not too much of it, so a name can't forge a log line, break a header or fill a response.
 */
public final class PrintableEcho {

    private PrintableEcho() {
    }

    /** Printable ASCII (space to {@code ~}); anything else becomes {@code ?}; at most {@code max} characters. */
    public static String of(String value, int max) {
        return replace(value, max, ' ', false);
    }

    /**
     * For an OAuth {@code error_description}, which RFC 6749 §5.2 limits to printable ASCII
     * without {@code "} and {@code \}.
     */
    public static String inErrorDescription(String value, int max) {
        return replace(value, max, ' ', true);
    }

    /** Printable ASCII without space: for a value recorded as one word (an audit record's client id). */
    public static String word(String value, int max) {
        return replace(value, max, '!', false);
    }

    private static String replace(String value, int max, char lowest, boolean noQuotes) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            boolean printable = c >= lowest && c <= '~' && !(noQuotes && (c == '"' || c == '\\'));
            out.append(printable ? c : '?');
        }
        return out.toString();
    }
}
