package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What the policy decided a client gets: the scopes, audiences and lifetime of one token. */
public record TokenGrant(ClientCredential client, ScopeSet scopes, List<String> audiences, Duration lifetime) {

    public TokenGrant {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(lifetime, "lifetime");
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("RFC 9068 §2.2: an access token has an audience");
        }
    }
}
