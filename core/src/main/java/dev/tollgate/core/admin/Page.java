package dev.tollgate.core.admin;

import java.util.List;

/** One page of a longer list, with the length of the whole list. */
public record Page<T>(List<T> items, int offset, int limit, long total) {

    /** The largest page any list returns. */
    public static final int MAX_LIMIT = 100;

    public Page {
        items = List.copyOf(items);
    }
}
