package dev.tollgate.server.cli;

import java.util.List;

/**
 * The one format of every option that takes several values: comma-separated, repeatable, or both
 * ({@code --scopes a,b --scopes c}); picocli splits on {@link #SPLIT}. Blank items are dropped, so
 * {@code --scopes=} gives none, which is how an update empties a list.
 */
final class ListValues {

    static final String SPLIT = ",";
    /** Named in the top-level help's footer. */
    static final String OPTIONS = "--scopes, --audiences, --authorities, --capabilities, --allowed-authorities,"
            + " --allowed-audiences, --jwk-files, --claims, --algorithms";

    private ListValues() {
    }

    static List<String> of(List<String> given) {
        return given == null ? null : given.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
