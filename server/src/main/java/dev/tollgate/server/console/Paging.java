package dev.tollgate.server.console;

import dev.tollgate.core.admin.Page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a page sits in its list ("51–100 of 1234") and links to the previous and next page,
 * keeping the list's filters.
 *
 * @param previous null on the first page
 * @param next     null on the last page
 */
public record Paging(long total, long from, long to, String previous, String next) {

    /** At most this many pages, so a hostile {@code page} number can't overflow an offset. */
    static final int MAX_PAGE = 100_000;

    /**
     * @param number the 1-based page number the list was read at
     * @param filters query parameters that selected the list; blank values are left out
     */
    static Paging of(Page<?> page, int number, String path, Map<String, String> filters) {
        long from = page.items().isEmpty() ? 0 : (long) page.offset() + 1;
        long to = page.items().isEmpty() ? 0 : (long) page.offset() + page.items().size();
        String previous = number > 1 ? href(path, filters, number - 1) : null;
        String next = to < page.total() && number < MAX_PAGE ? href(path, filters, number + 1) : null;
        return new Paging(page.total(), from, to, previous, next);
    }

    public boolean needed() {
        return previous != null || next != null;
    }

    private static String href(String path, Map<String, String> filters, int number) {
        String query = new TreeMap<>(filters).entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return path + "?" + (query.isEmpty() ? "" : query + "&") + "page=" + number;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
