package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.time.Instant;
import java.util.Optional;

/**
 * Checks presented credentials against a client's active secrets. Candidate secrets are a list,
 * so the two secrets of a rotation's overlap window both work without a special case.
 */
public final class ClientAuthenticator {

    private final SecretHasher hasher;

    public ClientAuthenticator(SecretHasher hasher) {
        this.hasher = hasher;
    }

    /** Empty when the credentials are good; otherwise why not. */
    public Optional<TokenRefusal> authenticate(ClientCredential client, PresentedCredentials presented, Instant now) {
        if (client == null) {
            // Same work as a real check: response time must not tell which client ids exist.
            hasher.burn(presented.secret());
            return Optional.of(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        }
        boolean matched = false;
        for (StoredSecret secret : client.activeSecrets(now)) {
            // No early exit: checking every candidate keeps the time independent of which one matched.
            matched |= hasher.matches(presented.secret(), secret.hash());
        }
        if (!matched) {
            return Optional.of(TokenRefusal.invalidClient(Reason.WRONG_SECRET));
        }
        // Only a caller who proved the secret learns the state of the client.
        if (!client.enabled()) {
            return Optional.of(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                    Reason.CLIENT_DISABLED));
        }
        if (!client.authMethods().contains(presented.method())) {
            return Optional.of(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT,
                    "client may not authenticate with " + presented.method().wireName(),
                    Reason.AUTH_METHOD_NOT_ALLOWED));
        }
        return Optional.empty();
    }
}
