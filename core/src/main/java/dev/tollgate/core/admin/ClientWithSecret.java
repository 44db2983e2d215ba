package dev.tollgate.core.admin;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientSecret;

/** A client and its new secret, returned exactly once: at creation or rotation. */
public record ClientWithSecret(ClientCredential client, ClientSecret secret) {
}
