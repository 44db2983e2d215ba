package dev.tollgate.core.client;

import dev.tollgate.core.scope.ScopeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.tollgate.core.client.ClientCredentialBuilder.CREATED;
import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientCredentialTest {

    private static final SecretHash HASH = new SecretHash("hmac-sha256$AAAA");
    private static final String TTL_BOUNDS = "token lifetime must be between 60 and 86400 seconds";
    private static final String NAME_RULE = "client name must be at most 200 characters without control characters";
    private static final String PRINTABLE_AUDIENCE = "audience must be 1-512 printable ASCII characters without spaces";

    @Test
    void clientWhenDefaultsAreSubsetOfAllowedThenAccepted() {
        ClientCredential client = aClient().allowed(ScopeSet.of("a", "b")).defaults(ScopeSet.of("b")).build();

        assertThat(client.defaultScopes()).isEqualTo(ScopeSet.of("b"));
    }

    @Test
    void clientWhenDefaultsNotSubsetOfAllowedThenRefused() {
        assertThatThrownBy(() -> aClient().allowed(ScopeSet.of("a")).defaults(ScopeSet.of("a", "b")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default scopes must be a subset of allowed scopes");
    }

    @Test
    void clientWhenNoScopesAtAllThenAccepted() {
        ClientCredential client = aClient().allowed(ScopeSet.EMPTY).defaults(ScopeSet.EMPTY).build();

        assertThat(client.allowedScopes().isEmpty()).isTrue();
    }

    @Test
    void clientWhenTtlSixtySecondsThenAccepted() {
        assertThat(aClient().ttl(Duration.ofSeconds(60)).build().tokenTtl()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void clientWhenTtlOneDayThenAccepted() {
        assertThat(aClient().ttl(Duration.ofDays(1)).build().tokenTtl()).isEqualTo(Duration.ofSeconds(86_400));
    }

    @Test
    void clientWhenTtlBelowSixtySecondsThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ofSeconds(59)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(TTL_BOUNDS);
    }

    @Test
    void clientWhenTtlAboveOneDayThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ofSeconds(86_401)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(TTL_BOUNDS);
    }

    @Test
    void clientWhenTtlZeroThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(TTL_BOUNDS);
    }

    @Test
    void clientWhenTtlNegativeThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ofSeconds(-3600)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(TTL_BOUNDS);
    }

    @Test
    void clientWhenTtlFractionalThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ofMillis(3_600_500)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("token lifetime must be whole seconds");
    }

    @Test
    void clientWhenTtlOneNanosecondOverAMinuteThenRefusedAsFractional() {
        assertThatThrownBy(() -> aClient().ttl(Duration.ofSeconds(60, 1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("token lifetime must be whole seconds");
    }

    @Test
    void clientWhenTtlMissingThenRefused() {
        assertThatThrownBy(() -> aClient().ttl(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("tokenTtl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Billing\u0000service", "Billing\nservice", "Billing\rservice", "Billing\tservice",
            "Billing\u001bservice", "Billing\u007fservice", "Billing\u0085service"})
    void clientWhenNameHasControlCharactersThenRefused(String name) {
        assertThatThrownBy(() -> aClient().name(name).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(NAME_RULE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void clientWhenNameBlankThenRefused(String name) {
        assertThatThrownBy(() -> aClient().name(name).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("client name must not be blank");
    }

    @Test
    void clientWhenNameNullThenRefused() {
        assertThatThrownBy(() -> aClient().name(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("client name must not be blank");
    }

    @Test
    void clientNameWhenSurroundingWhitespaceThenStripped() {
        assertThat(aClient().name("  Billing service \n").build().name()).isEqualTo("Billing service");
    }

    @Test
    void clientWhenNameUnicodeThenAccepted() {
        assertThat(aClient().name("Zahlungsdienst M\u00fcnchen \u6d4b\u8bd5").build().name())
                .isEqualTo("Zahlungsdienst M\u00fcnchen \u6d4b\u8bd5");
    }

    @Test
    void clientWhenName200CharactersThenAccepted() {
        assertThat(aClient().name("n".repeat(200)).build().name()).hasSize(200);
    }

    @Test
    void clientWhenNameOver200CharactersThenRefused() {
        assertThatThrownBy(() -> aClient().name("n".repeat(201)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(NAME_RULE);
    }

    @Test
    void clientWhenTwoSecretsThenAccepted() {
        ClientCredential client = aClient().secret(HASH, null).secret(HASH, CREATED.plusSeconds(60)).build();

        assertThat(client.secrets()).hasSize(2);
    }

    @Test
    void clientWhenMoreThanTwoSecretsThenRefused() {
        assertThatThrownBy(() -> aClient().secret(HASH, null).secret(HASH, null).secret(HASH, null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a client holds at most 2 secrets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://api.acme.example/a b", " https://api.acme.example", "api\tv1", "api\n", "",
            "https://api.\u00e4cme.example"})
    void clientWhenAudienceHasSpacesControlsOrNonAsciiThenRefused(String audience) {
        assertThatThrownBy(() -> aClient().audiences(List.of(audience)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(PRINTABLE_AUDIENCE);
    }

    @Test
    void clientWhenAudienceOver512CharactersThenRefused() {
        assertThatThrownBy(() -> aClient().audiences(List.of("a".repeat(513))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(PRINTABLE_AUDIENCE);
    }

    @Test
    void clientWhenAudienceIs512CharactersThenAccepted() {
        assertThat(aClient().audiences(List.of("a".repeat(512))).build().audiences()).hasSize(1);
    }

    @Test
    void clientWhenAuthorityHasSpaceThenRefused() {
        assertThatThrownBy(() -> aClient().authorities(List.of("ROLE ADMIN")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("authority must be 1-512 printable ASCII characters without spaces");
    }

    @Test
    void clientWhenListsAndMethodsNullThenEmptyListsAndBothSecretMethods() {
        ClientCredential client = aClient().audiences(null).authorities(null).methods(null).secrets(List.of()).build();

        assertThat(client.audiences()).isEmpty();
        assertThat(client.authorities()).isEmpty();
        assertThat(client.authMethods()).containsExactlyInAnyOrderElementsOf(ClientAuthMethod.SECRET_METHODS);
    }

    @Test
    void clientWhenMethodsEmptyThenEveryMethod() {
        assertThat(aClient().methods(Set.of()).build().authMethods())
                .containsExactlyInAnyOrder(ClientAuthMethod.CLIENT_SECRET_BASIC, ClientAuthMethod.CLIENT_SECRET_POST);
    }

    @Test
    void clientListsWhenTheArgumentChangesLaterThenCopiedSoChangesDoNotLeakIn() {
        List<String> audiences = new java.util.ArrayList<>(List.of("https://api.acme.example"));
        Set<ClientAuthMethod> methods = EnumSet.of(ClientAuthMethod.CLIENT_SECRET_BASIC);
        ClientCredential client = aClient().audiences(audiences).methods(methods).build();

        audiences.add("https://evil.example");
        methods.add(ClientAuthMethod.CLIENT_SECRET_POST);

        assertThat(client.audiences()).containsExactly("https://api.acme.example");
        assertThat(client.authMethods()).containsExactly(ClientAuthMethod.CLIENT_SECRET_BASIC);
    }

    @Test
    void activeSecretsWhenSomeExpiredThenThoseWithoutExpiryOrNotYetExpired() {
        Instant now = CREATED.plusSeconds(100);
        ClientCredential client = aClient().secret(HASH, null).secret(HASH, now.plusSeconds(1)).build();

        assertThat(client.activeSecrets(now)).extracting(StoredSecret::id).containsExactly("s1", "s2");
    }

    @Test
    void activeSecretsWhenASecretAtItsExpiryInstantThenLeftOut() {
        Instant now = CREATED.plusSeconds(100);
        ClientCredential client = aClient().secret(HASH, null).secret(HASH, now).build();

        assertThat(client.activeSecrets(now)).extracting(StoredSecret::id).containsExactly("s1");
    }

    @Test
    void withEnabledWhenCalledThenOnlyEnabledAndUpdatedAtChange() {
        ClientCredential client = aClient().secret(HASH, null).build();
        Instant later = CREATED.plusSeconds(5);

        ClientCredential disabled = client.withEnabled(false, later);

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.updatedAt()).isEqualTo(later);
        assertThat(disabled.createdAt()).isEqualTo(CREATED);
        assertThat(disabled.withEnabled(true, client.updatedAt())).isEqualTo(client);
    }

    @Test
    void withScopesWhenCalledThenDefaultsRevalidatedAgainstAllowed() {
        ClientCredential client = aClient().build();

        assertThatThrownBy(() -> client.withScopes(ScopeSet.of("a"), ScopeSet.of("b"), CREATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default scopes must be a subset of allowed scopes");
    }

    @Test
    void isBuiltinWhenItNamesABuiltinThenTrueOnlyThen() {
        assertThat(aClient().build().isBuiltin()).isFalse();
        assertThat(aClient().builtin(BuiltinClient.MICROSERVICE).build().isBuiltin()).isTrue();
    }

    @Test
    void builtinClientsWhenListedThenCarryTheReferenceNames() {
        assertThat(BuiltinClient.DEFAULT.displayName()).isEqualTo("Default Client Credential");
        assertThat(BuiltinClient.MICROSERVICE.displayName()).isEqualTo("microservice-communication-key");
    }

    @Test
    void authMethodWhenWrittenThenTheRfc8414Names() {
        assertThat(ClientAuthMethod.CLIENT_SECRET_BASIC.wireName()).isEqualTo("client_secret_basic");
        assertThat(ClientAuthMethod.fromWireName("client_secret_post")).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
    }
}
