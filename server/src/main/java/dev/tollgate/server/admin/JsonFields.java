package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.server.api.JsonApi;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.tollgate.server.api.JsonApi.printable;

/**
 * Typed reading of one request's JSON body or query parameters that keeps going past a bad value:
 * every problem is noted against its field, and {@link #throwIfInvalid} then refuses the request
 * with all of them at once, so a caller fixes a form in one round trip rather than one per field.
 * Each read returns null (or the default) for a value it could not take.
 */
final class JsonFields {

    /** The most strings one array field takes: a bound on work and on what the store must hold. */
    static final int MAX_ARRAY = 100;

    private final Map<String, ?> values;
    /** The same values when they are query parameters, all strings; null for a JSON body. */
    private final Map<String, String> parameters;
    private final Map<String, String> problems = new LinkedHashMap<>();

    private JsonFields(Map<String, ?> values, Map<String, String> parameters) {
        this.values = values;
        this.parameters = parameters;
    }

    /**
     * A JSON body. Fields the operation does not take are an error naming them, so nothing the API
     * does not offer (a {@code tenant}, a {@code client_id}, a secret) can be assigned through it.
     */
    static JsonFields body(Map<String, Object> json, Set<String> writable) {
        JsonFields fields = new JsonFields(json, null);
        for (String name : json.keySet()) {
            if (!writable.contains(name)) {
                fields.problem(printable(name), "not a writable field here; the writable ones are " + sorted(writable));
            }
        }
        return fields;
    }

    /** Query parameters, each single-valued already ({@link JsonApi#singleValued}). */
    static JsonFields query(Map<String, String> query, Set<String> accepted) {
        JsonFields fields = new JsonFields(query, query);
        for (String name : query.keySet()) {
            if (!accepted.contains(name)) {
                fields.problem(printable(name), "unknown parameter; one of " + sorted(accepted));
            }
        }
        return fields;
    }

    /** Whether the request names the field at all, even as {@code null}: a merge patch changes only those. */
    boolean has(String name) {
        return values.containsKey(name);
    }

    void problem(String name, String problem) {
        problems.put(name, problem);
    }

    /** @throws AdminFailure.Invalid naming every problem noted, if there is one */
    void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new AdminFailure.Invalid(problems);
        }
    }

    String string(String name, boolean required) {
        Object value = values.get(name);
        if (value == null) {
            if (required) {
                problem(name, "required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            problem(name, "must be a string");
            return null;
        }
        return s;
    }

    List<String> strings(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)
                && list.size() <= MAX_ARRAY) {
            return list.stream().map(String.class::cast).toList();
        }
        problem(name, "must be an array of at most " + MAX_ARRAY + " strings");
        return null;
    }

    ScopeSet scopes(String name) {
        List<String> strings = strings(name);
        if (strings == null) {
            return null;
        }
        List<ScopeName> names = new ArrayList<>();
        for (String value : strings) {
            if (!ScopeName.isValid(value)) {
                problem(name, "not a scope name: " + printable(value));
                return null;
            }
            names.add(new ScopeName(value));
        }
        return ScopeSet.of(names);
    }

    /**
     * A whole number of seconds from {@code min} to {@code max}.
     *
     * @param required whether an absent or null value is itself a problem (then {@code problem})
     */
    Duration seconds(String name, boolean required, long min, long max, String problem) {
        Object value = values.get(name);
        if (value == null) {
            if (required) {
                problem(name, problem);
            }
            return null;
        }
        // The double comparison too: a huge integer's longValue() keeps only its low 64 bits.
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= min && n.doubleValue() <= max && n.longValue() >= min && n.longValue() <= max) {
            return Duration.ofSeconds(n.longValue());
        }
        problem(name, problem);
        return null;
    }

    /**
     * Public keys given as a JWK or JWK set object, or as a PEM string (public key or certificate);
     * null when absent. Private members, symmetric keys and unsupported ones are a problem naming why.
     */
    List<com.nimbusds.jose.jwk.JWK> publicKeys(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        String text;
        if (value instanceof Map<?, ?> object) {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) object;
            text = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(json);
        } else if (value instanceof String pem) {
            text = pem;
        } else {
            problem(name, "must be a JWK or JWK set object, or a PEM public key or certificate");
            return null;
        }
        try {
            return dev.tollgate.core.client.ClientKeys.parsePublicKeys(text);
        } catch (IllegalArgumentException e) {
            problem(name, e.getMessage());
            return null;
        }
    }

    /** An absolute URI, or null when absent. */
    java.net.URI uri(String name) {
        String value = string(name, false);
        if (value == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(value);
            if (!uri.isAbsolute()) {
                problem(name, "must be an absolute https URL");
                return null;
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            problem(name, "must be an absolute https URL");
            return null;
        }
    }

    /** Absent is null; anything but {@code true} or {@code false}, {@code null} included, is a problem. */
    Boolean bool(String name) {
        if (!has(name)) {
            return null;
        }
        if (values.get(name) instanceof Boolean b) {
            return b;
        }
        problem(name, "must be true or false");
        return null;
    }

    AdminRole role(String name) {
        String value = string(name, false);
        if (value == null) {
            return null;
        }
        for (AdminRole role : AdminRole.values()) {
            if (role.name().toLowerCase(Locale.ROOT).equals(value)) {
                return role;
            }
        }
        problem(name, "must be admin or additional_admin");
        return null;
    }

    /** The capabilities by wire name; empty when absent. */
    Set<Capability> capabilities(String name) {
        List<String> strings = strings(name);
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        if (strings != null) {
            for (String value : strings) {
                Optional<Capability> capability = Capability.fromWireName(value);
                if (capability.isEmpty()) {
                    problem(name, "unknown capability: " + printable(value));
                } else {
                    capabilities.add(capability.get());
                }
            }
        }
        return capabilities;
    }

    // ---------------------------------------------------------------- query parameters

    /** A query parameter's text; null when absent or blank. */
    String text(String name) {
        String value = parameters().get(name);
        return value == null || value.isBlank() ? null : value;
    }

    int number(String name, int absent, int min, int max) {
        return JsonApi.number(parameters(), name, absent, min, max, problems);
    }

    Instant instant(String name) {
        String raw = text(name);
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            problem(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    private Map<String, String> parameters() {
        if (parameters == null) {
            throw new IllegalStateException("a JSON body has no query parameters");
        }
        return parameters;
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", names.stream().sorted().toList());
    }
}
