package dev.tollgate.core.admin;

/** The bounds of every list's page. */
final class Paging {

    private Paging() {
    }

    static void require(int offset, int limit) {
        if (offset < 0) {
            throw AdminFailure.Invalid.of("offset", "must not be negative");
        }
        if (limit < 1 || limit > Page.MAX_LIMIT) {
            throw AdminFailure.Invalid.of("limit", "must be between 1 and " + Page.MAX_LIMIT);
        }
    }
}
