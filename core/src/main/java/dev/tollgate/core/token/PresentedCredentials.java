package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientAuthMethod;
import java.util.Objects;

/** The client id and secret a request carried, and how. The secret is masked in {@link #toString()}. */
public record PresentedCredentials(String clientId, String secret, ClientAuthMethod method) {

    public PresentedCredentials {
        Objects.requireNonNull(method, "method");
    }

    @Override
    public String toString() {
        return "PresentedCredentials[" + clientId + ", ****, " + method.wireName() + "]";
    }
}
