package dev.tollgate.server.console;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a client form shows: empty at first, the client's values on its page, the admin's input
 * again after a refusal. The checks below read each field against the limits
 * {@link ClientCredential} enforces, each into its own message, so every bad field is named at
 * once; the policy still has the last word.
 */
public record ClientForm(String name, Set<String> scopes, String audiences, String lifetime, boolean introspection,
                         boolean dpopBound) {

    static final String DEFAULT_LIFETIME = "3600";
    /** The most audiences a form takes: far more than any client needs, few enough to show. */
    static final int MAX_AUDIENCES = 50;

    public ClientForm {
        scopes = Set.copyOf(scopes);
    }

    /** A form without the DPoP requirement ticked. */
    public ClientForm(String name, Set<String> scopes, String audiences, String lifetime, boolean introspection) {
        this(name, scopes, audiences, lifetime, introspection, false);
    }

    static ClientForm empty() {
        return new ClientForm("", Set.of(), "", DEFAULT_LIFETIME, false);
    }

    static ClientForm from(Form form) {
        return new ClientForm(form.value("name"), Set.copyOf(form.values("scope")), form.value("audiences"),
                form.value("lifetime"), introspection(form), dpopBound(form));
    }

    /** The settings form of an existing client, filled with what it holds. */
    static ClientForm of(ClientCredential client) {
        return new ClientForm(client.name(), Set.copyOf(client.allowedScopes().names()),
                String.join("\n", client.audiences()), Long.toString(client.tokenTtl().toSeconds()),
                client.introspection(), client.dpopBound());
    }

    /** The settings form as sent, without its scopes (which have a form of their own). */
    static ClientForm settings(Form form) {
        return new ClientForm(form.value("name"), Set.of(), form.value("audiences"), form.value("lifetime"),
                introspection(form), dpopBound(form));
    }

    /** An unticked checkbox sends nothing, so absent is false. */
    private static boolean introspection(Form form) {
        return "true".equals(form.value("introspection"));
    }

    private static boolean dpopBound(Form form) {
        return "true".equals(form.value("dpop_bound_access_tokens"));
    }

    /** The name without surrounding spaces, or null with a message. */
    String checkedName(FieldErrors errors) {
        String value = name.strip();
        if (value.isEmpty()) {
            errors.add("name", "Enter a name.");
            return null;
        }
        if (value.length() > ClientCredential.MAX_NAME_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            errors.add("name", "A name is at most " + ClientCredential.MAX_NAME_LENGTH
                    + " characters, without control characters.");
            return null;
        }
        return value;
    }

    /** The ticked scopes; each must be defined in the tenant ({@code defined}). */
    ScopeSet checkedScopes(Collection<String> defined, FieldErrors errors) {
        List<ScopeName> parsed = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (String scope : scopes) {
            if (ScopeName.isValid(scope) && defined.contains(scope)) {
                parsed.add(new ScopeName(scope));
            } else {
                unknown.add(scope);
            }
        }
        if (!unknown.isEmpty()) {
            errors.add("scope", "Not defined in this tenant: " + String.join(" ", unknown) + ".");
        }
        return ScopeSet.of(parsed);
    }

    /** One audience a line (or separated by spaces or commas), each as a token's {@code aud} may hold it. */
    List<String> checkedAudiences(FieldErrors errors) {
        List<String> values = split(audiences);
        List<String> bad = values.stream()
                .filter(v -> v.length() > 512 || v.chars().anyMatch(c -> c < 0x21 || c > 0x7E))
                .toList();
        if (!bad.isEmpty()) {
            errors.add("audiences", "Each audience is 1-512 printable ASCII characters; not: "
                    + String.join(" ", bad) + ".");
        } else if (values.size() > MAX_AUDIENCES) {
            errors.add("audiences", "At most " + MAX_AUDIENCES + " audiences.");
        }
        return values;
    }

    Duration checkedLifetime(FieldErrors errors) {
        long min = ClientCredential.MIN_TOKEN_TTL.toSeconds();
        long max = ClientCredential.MAX_TOKEN_TTL.toSeconds();
        return seconds(lifetime, "lifetime", "Token lifetime", min, max, errors)
                .map(Duration::ofSeconds).orElse(null);
    }

    /** A whole number of seconds from a form field, within bounds, or empty with a message for {@code field}. */
    static Optional<Long> seconds(String value, String field, String what, long min, long max,
                                            FieldErrors errors) {
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds >= min && seconds <= max) {
                return Optional.of(seconds);
            }
        } catch (NumberFormatException e) {
            // said below, in the same words as a number out of range
        }
        errors.add(field, what + " is a whole number of seconds from " + min + " to " + max + ".");
        return Optional.empty();
    }

    /** Audiences are entered one a line (or separated by spaces or commas). */
    static List<String> split(String values) {
        return Arrays.stream(values.split("[\\s,]+")).filter(v -> !v.isEmpty()).distinct().toList();
    }
}
