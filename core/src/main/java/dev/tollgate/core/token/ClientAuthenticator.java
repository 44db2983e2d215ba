package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientSecret;
import dev.tollgate.core.client.SecretHash;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks presented credentials against a client's active secrets. Candidate secrets are a list,
 * so the two secrets of a rotation's overlap window both work without a special case.
 */
public final class ClientAuthenticator {

    private final SecretHasher hasher;
    /** The hash of a secret nobody holds: what a presented secret is checked against when its client id is unknown. */
    private final List<SecretHash> unknownClientSecrets;

    public ClientAuthenticator(SecretHasher hasher) {
        this.hasher = hasher;
        this.unknownClientSecrets = List.of(hasher.hash(ClientSecret.generate()));
    }

    /** Empty when the credentials are good; otherwise why not. */
    public Optional<TokenRefusal> authenticate(ClientCredential client, PresentedCredentials presented, Instant now) {
        if (client == null) {
            // The same check as a known client's, against a made-up hash: response time must not
            // tell which client ids exist (issue 11).
            hasher.matchesAny(presented.secret(), unknownClientSecrets);
            return Optional.of(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        }
        List<SecretHash> candidates = client.activeSecrets(now).stream().map(StoredSecret::hash).toList();
        if (!hasher.matchesAny(presented.secret(), candidates)) {
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
