package dev.tollgate.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a token is asked for: a set of scopes and, optionally, one audience. {@link TokenClient}
 * caches one token per {@code TokenScope}; two values with the same scopes (in any order) and the
 * same audience are equal and share a token. The tenant is not part of it: it is in the token
 * endpoint, and a {@code TokenClient} talks to one endpoint.
 *
 * <pre>{@code
 * TokenScope readUsers = TokenScope.of(Set.of("users:read"), "https://api.example.com");
 * TokenScope defaults  = TokenScope.defaults();   // no scope, no resource: the client's defaults
 * }</pre>
 *
 * @param scopes   the scopes to ask for (RFC 6749 §3.3 scope-tokens); empty means none is sent and
 *                 the server grants the client's defaults
 * @param audience the RFC 8707 {@code resource} to ask for, or {@code null} for none
 */
public record TokenScope(SortedSet<String> scopes, URI audience) {

    private static final TokenScope DEFAULTS = new TokenScope(new TreeSet<>(), null);

    public TokenScope {
        Objects.requireNonNull(scopes, "scopes");
        TreeSet<String> copy = new TreeSet<>();
        for (String scope : scopes) {
            copy.add(requireScopeToken(scope));
        }
        scopes = Collections.unmodifiableSortedSet(copy);
        if (audience != null) {
            requireResource(audience);
        }
    }

    /** No scope and no audience: the server grants the client's default scopes and audience. */
    public static TokenScope defaults() {
        return DEFAULTS;
    }

    /** The given scopes, no audience. */
    public static TokenScope of(Collection<String> scopes) {
        return new TokenScope(new TreeSet<>(Objects.requireNonNull(scopes, "scopes")), null);
    }

    /** The given scopes for one audience, an absolute URI such as {@code https://api.example.com}. */
    public static TokenScope of(Collection<String> scopes, String audience) {
        Objects.requireNonNull(audience, "audience");
        try {
            return new TokenScope(new TreeSet<>(Objects.requireNonNull(scopes, "scopes")), new URI(audience));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("audience is not a URI: " + audience, e);
        }
    }

    /** The value of the {@code scope} parameter: the scopes space-separated, or empty for none. */
    String scopeParameter() {
        return String.join(" ", scopes);
    }

    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); a space would turn one
    // element into two scopes on the wire and make the cache key lie.
    private static String requireScopeToken(String scope) {
        if (scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("a scope cannot be null or empty");
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E) {
                throw new IllegalArgumentException("not a scope token (RFC 6749 §3.3): \"" + scope + "\"");
            }
        }
        return scope;
    }

    // RFC 8707 §2: the resource is an absolute URI and must not include a fragment.
    private static void requireResource(URI audience) {
        if (!audience.isAbsolute() || audience.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "audience must be an absolute URI without a fragment (RFC 8707 §2): " + audience);
        }
    }

    @Override
    public String toString() {
        return "TokenScope[scopes=" + scopes + (audience == null ? "" : ", audience=" + audience) + "]";
    }
}
