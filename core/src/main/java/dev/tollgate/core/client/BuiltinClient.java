package dev.tollgate.core.client;

/** The two credentials every tenant starts with; they can be rotated and edited, never deleted. */
public enum BuiltinClient {
    DEFAULT("Default Client Credential"),
    MICROSERVICE("microservice-communication-key");

    private final String displayName;

    BuiltinClient(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
