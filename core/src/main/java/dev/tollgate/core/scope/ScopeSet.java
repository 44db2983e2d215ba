package dev.tollgate.core.scope;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An immutable, sorted set of scopes. Sorting makes the space-delimited form canonical, so the
 * same grant always serialises the same way (and stores compare as strings).
 */
public final class ScopeSet implements Iterable<ScopeName> {

    public static final ScopeSet EMPTY = new ScopeSet(new TreeSet<>());

    /** Upper bound on scopes in one request or client; more is an attack, not a use case. */
    public static final int MAX_SCOPES = 64;

    private final SortedSet<ScopeName> scopes;
    private final String spaceDelimited;

    private ScopeSet(SortedSet<ScopeName> scopes) {
        this.scopes = Collections.unmodifiableSortedSet(scopes);
        this.spaceDelimited = scopes.stream().map(ScopeName::value).collect(Collectors.joining(" "));
    }

    public static ScopeSet of(Collection<ScopeName> scopes) {
        if (scopes.size() > MAX_SCOPES) {
            throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes");
        }
        return scopes.isEmpty() ? EMPTY : new ScopeSet(new TreeSet<>(scopes));
    }

    public static ScopeSet of(String... names) {
        TreeSet<ScopeName> set = new TreeSet<>();
        for (String name : names) {
            set.add(new ScopeName(name));
        }
        return of(set);
    }

    /**
     * Parses RFC 6749 §3.3 {@code scope-token *( SP scope-token )} strictly: single spaces only,
     * every token valid. A null or empty string is the empty set.
     *
     * @throws IllegalArgumentException with a message fit for an {@code error_description}
     */
    public static ScopeSet parse(String spaceDelimited) {
        if (spaceDelimited == null || spaceDelimited.isEmpty()) {
            return EMPTY;
        }
        if (spaceDelimited.length() > MAX_SCOPES * (ScopeName.MAX_LENGTH + 1)) {
            throw new IllegalArgumentException("scope is too long");
        }
        TreeSet<ScopeName> set = new TreeSet<>();
        int start = 0;
        while (true) {
            int space = spaceDelimited.indexOf(' ', start);
            String token = space < 0 ? spaceDelimited.substring(start) : spaceDelimited.substring(start, space);
            if (!ScopeName.isValid(token)) {
                throw new IllegalArgumentException("scope contains an invalid scope token");
            }
            set.add(new ScopeName(token));
            if (set.size() > MAX_SCOPES) {
                throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes may be requested");
            }
            if (space < 0) {
                break;
            }
            start = space + 1;
        }
        return new ScopeSet(set);
    }

    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    public int size() {
        return scopes.size();
    }

    public boolean contains(ScopeName scope) {
        return scopes.contains(scope);
    }

    public boolean containsAll(ScopeSet other) {
        return scopes.containsAll(other.scopes);
    }

    public SortedSet<ScopeName> asSet() {
        return scopes;
    }

    /** The names as strings, in order; for claims that carry scopes as an array. */
    public java.util.List<String> names() {
        return scopes.stream().map(ScopeName::value).toList();
    }

    /** The canonical RFC 6749 §3.3 form. */
    public String toSpaceDelimited() {
        return spaceDelimited;
    }

    @Override
    public Iterator<ScopeName> iterator() {
        return scopes.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScopeSet other && scopes.equals(other.scopes);
    }

    @Override
    public int hashCode() {
        return scopes.hashCode();
    }

    @Override
    public String toString() {
        return spaceDelimited;
    }
}
