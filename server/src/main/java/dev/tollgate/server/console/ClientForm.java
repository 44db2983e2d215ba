package dev.tollgate.server.console;

import java.util.List;
import java.util.Set;

/** What the new-client form shows: empty at first, the admin's input again after a refusal. */
public record ClientForm(String name, Set<String> scopes, String audiences, String lifetime) {

    static final String DEFAULT_LIFETIME = "3600";

    public ClientForm {
        scopes = Set.copyOf(scopes);
    }

    static ClientForm empty() {
        return new ClientForm("", Set.of(), "", DEFAULT_LIFETIME);
    }

    static ClientForm from(Form form) {
        return new ClientForm(form.value("name"), Set.copyOf(form.values("scope")), form.value("audiences"),
                form.value("lifetime"));
    }

    /** Audiences are entered one a line (or separated by spaces or commas). */
    static List<String> split(String values) {
        return java.util.Arrays.stream(values.split("[\\s,]+")).filter(v -> !v.isEmpty()).distinct().toList();
    }
}
