package dev.tollgate.core.admin;

/** The bounds of every list's page. */
final class Paging {

    static final int MAX_LIMIT = Page.MAX_LIMIT;

    private Paging() {
    }

    static void require(int offset, int limit) {
        if (offset < 0) {
            throw AdminFailure.Invalid.of("offset", "must not be negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AdminFailure.Invalid.of("limit", "must be between 1 and " + MAX_LIMIT);
        }
    }
}
