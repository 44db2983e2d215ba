package dev.tollgate.core.token;

import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientSecret;
import dev.tollgate.core.client.ObservedSecretHashers;
import dev.tollgate.core.client.SecretHash;
import dev.tollgate.core.client.SecretHasher;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static dev.tollgate.core.client.ClientCredentialBuilder.CREATED;
import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;

class ClientAuthenticatorTest {

    private static final Instant NOW = CREATED.plusSeconds(3600);

    private final SecretHasher hasher = new SecretHasher(new byte[32]);
    private final ClientAuthenticator authenticator = new ClientAuthenticator(hasher);
    private final ClientSecret secret = ClientSecret.generate();
    private final SecretHash hash = hasher.hash(secret);

    @Test
    void authenticateWhenClientUnknownThenInvalidClientUnknownClient() {
        Optional<TokenRefusal> refusal = authenticator.authenticate(null, basic(secret.reveal()), NOW);

        assertThat(refusal).contains(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed",
                Reason.UNKNOWN_CLIENT));
    }

    @Test
    void authenticateWhenClientUnknownThenTheSameMacsAsForAKnownClientDuringARotation() {
        List<Integer> macs = new ArrayList<>();
        SecretHasher observed = ObservedSecretHashers.observed(new byte[32], macs::add);
        ClientAuthenticator counted = new ClientAuthenticator(observed);
        ClientCredential rotating = aClient()
                .secret(observed.hash(ClientSecret.generate()), NOW.plusSeconds(60))
                .secret(observed.hash(ClientSecret.generate()), null).build();
        String presented = ClientSecret.generate().reveal();

        macs.clear();
        counted.authenticate(rotating, basic(presented), NOW);
        List<Integer> known = List.copyOf(macs);
        macs.clear();
        counted.authenticate(null, basic(presented), NOW);

        // Issue 11: an unknown id answered with less work than a known one's wrong secret tells them apart.
        assertThat(known).containsExactly(presented.getBytes(StandardCharsets.UTF_8).length);
        assertThat(macs).isEqualTo(known);
    }

    @Test
    void authenticateWhenClientUnknownAndNoSecretThenInvalidClientUnknownClient() {
        Optional<TokenRefusal> refusal = authenticator.authenticate(null, basic(null), NOW);

        assertThat(refusal).map(TokenRefusal::reason).contains(Reason.UNKNOWN_CLIENT);
    }

    @Test
    void authenticateWhenWrongSecretThenInvalidClientWrongSecret() {
        ClientCredential client = aClient().secret(hash, null).build();

        Optional<TokenRefusal> refusal = authenticator.authenticate(client, basic(ClientSecret.generate().reveal()), NOW);

        assertThat(refusal).contains(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed",
                Reason.WRONG_SECRET));
        assertThat(refusal.orElseThrow().isAuthenticationFailure()).isTrue();
    }

    @Test
    void authenticateWhenNoSecretPresentedThenInvalidClientWrongSecret() {
        ClientCredential client = aClient().secret(hash, null).build();

        assertThat(authenticator.authenticate(client, basic(null), NOW)).map(TokenRefusal::reason)
                .contains(Reason.WRONG_SECRET);
    }

    @Test
    void authenticateWhenClientHasNoSecretsThenInvalidClientWrongSecret() {
        ClientCredential client = aClient().build();

        assertThat(authenticator.authenticate(client, basic(secret.reveal()), NOW)).map(TokenRefusal::reason)
                .contains(Reason.WRONG_SECRET);
    }

    @Test
    void authenticateWhenClientDisabledAndSecretRightThenInvalidClientDisabled() {
        ClientCredential client = aClient().secret(hash, null).enabled(false).build();

        Optional<TokenRefusal> refusal = authenticator.authenticate(client, basic(secret.reveal()), NOW);

        assertThat(refusal).contains(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                Reason.CLIENT_DISABLED));
    }

    @Test
    void authenticateWhenClientDisabledAndSecretWrongThenWrongSecretSoTheStateStaysHidden() {
        ClientCredential client = aClient().secret(hash, null).enabled(false).build();

        Optional<TokenRefusal> refusal = authenticator.authenticate(client, basic(ClientSecret.generate().reveal()), NOW);

        assertThat(refusal).contains(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client authentication failed",
                Reason.WRONG_SECRET));
    }

    @Test
    void authenticateWhenAuthMethodNotAllowedThenInvalidClientAuthMethodNotAllowed() {
        ClientCredential client = aClient().secret(hash, null)
                .methods(EnumSet.of(ClientAuthMethod.CLIENT_SECRET_BASIC)).build();

        Optional<TokenRefusal> refusal = authenticator.authenticate(client,
                new PresentedCredentials("billing-service", secret.reveal(), ClientAuthMethod.CLIENT_SECRET_POST), NOW);

        assertThat(refusal).contains(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT,
                "client may not authenticate with client_secret_post", Reason.AUTH_METHOD_NOT_ALLOWED));
    }

    @Test
    void authenticateWhenAuthMethodNotAllowedAndSecretWrongThenWrongSecret() {
        ClientCredential client = aClient().secret(hash, null)
                .methods(EnumSet.of(ClientAuthMethod.CLIENT_SECRET_BASIC)).build();

        Optional<TokenRefusal> refusal = authenticator.authenticate(client, new PresentedCredentials("billing-service",
                ClientSecret.generate().reveal(), ClientAuthMethod.CLIENT_SECRET_POST), NOW);

        assertThat(refusal).map(TokenRefusal::reason).contains(Reason.WRONG_SECRET);
    }

    @Test
    void authenticateWhenAllowedMethodAndRightSecretThenNoRefusal() {
        ClientCredential client = aClient().secret(hash, null)
                .methods(EnumSet.of(ClientAuthMethod.CLIENT_SECRET_POST)).build();

        assertThat(authenticator.authenticate(client,
                new PresentedCredentials("billing-service", secret.reveal(), ClientAuthMethod.CLIENT_SECRET_POST), NOW))
                .isEmpty();
    }

    @Test
    void authenticateWhenDuringRotationOverlapThenBothActiveSecretsAccepted() {
        ClientSecret previous = ClientSecret.generate();
        ClientCredential client = aClient()
                .secret(hasher.hash(previous), NOW.plusSeconds(60))
                .secret(hash, null).build();

        assertThat(authenticator.authenticate(client, basic(previous.reveal()), NOW)).isEmpty();
        assertThat(authenticator.authenticate(client, basic(secret.reveal()), NOW)).isEmpty();
    }

    @Test
    void authenticateWhenPreviousSecretExpiredThenWrongSecretWhileTheNewOneWorks() {
        ClientSecret previous = ClientSecret.generate();
        ClientCredential client = aClient()
                .secret(hasher.hash(previous), NOW.minusSeconds(1))
                .secret(hash, null).build();

        assertThat(authenticator.authenticate(client, basic(previous.reveal()), NOW)).map(TokenRefusal::reason)
                .contains(Reason.WRONG_SECRET);
        assertThat(authenticator.authenticate(client, basic(secret.reveal()), NOW)).isEmpty();
    }

    @Test
    void authenticateWhenPreviousSecretAtTheInstantItExpiresThenWrongSecret() {
        ClientSecret previous = ClientSecret.generate();
        ClientCredential client = aClient().secret(hasher.hash(previous), NOW).secret(hash, null).build();

        assertThat(authenticator.authenticate(client, basic(previous.reveal()), NOW)).map(TokenRefusal::reason)
                .contains(Reason.WRONG_SECRET);
    }

    @Test
    void authenticateWhenSecretRightAndClientEnabledThenNoRefusal() {
        ClientCredential client = aClient().secret(hash, null).build();

        assertThat(authenticator.authenticate(client, basic(secret.reveal()), NOW)).isEmpty();
    }

    @Test
    void presentedCredentialsWhenPrintedThenTheSecretMasked() {
        PresentedCredentials presented = basic(secret.reveal());

        assertThat(presented.toString()).doesNotContain(secret.reveal())
                .isEqualTo("PresentedCredentials[billing-service, ****, client_secret_basic]");
    }

    private static PresentedCredentials basic(String secret) {
        return new PresentedCredentials("billing-service", secret, ClientAuthMethod.CLIENT_SECRET_BASIC);
    }
}
