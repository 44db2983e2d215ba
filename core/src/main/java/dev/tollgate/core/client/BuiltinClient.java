package dev.tollgate.core.client;

/** The two credentials every tenant starts with; they can be rotated and edited, never deleted. */
public enum BuiltinClient {
    DEFAULT("Default Client Credential", false),
    /** The tenant's own services' key: the APIs behind Tollgate introspect tokens with it. */
    MICROSERVICE("microservice-communication-key", true);

    private final String displayName;
    private final boolean introspects;

    BuiltinClient(String displayName, boolean introspects) {
        this.displayName = displayName;
        this.introspects = introspects;
    }

    /** Whether a new tenant's credential of this kind starts with the introspection permission. */
    public boolean introspects() {
        return introspects;
    }

    public String displayName() {
        return displayName;
    }
}
