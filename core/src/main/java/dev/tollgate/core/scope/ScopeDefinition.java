package dev.tollgate.core.scope;

import java.util.Objects;

/** A scope a tenant has defined, with the description admins see when they grant it. */
public record ScopeDefinition(ScopeName name, String description) {

    public static final int MAX_DESCRIPTION_LENGTH = 500;

    public ScopeDefinition {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description.strip();
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new IllegalArgumentException("scope description is longer than " + MAX_DESCRIPTION_LENGTH);
        }
    }
}
