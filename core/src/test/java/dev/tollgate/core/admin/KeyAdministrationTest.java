package dev.tollgate.core.admin;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.KeyState;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.ClientRepository;
import dev.tollgate.core.store.InstallationRepository;
import dev.tollgate.core.store.RevocationRepository;
import dev.tollgate.core.store.ScopeRepository;
import dev.tollgate.core.store.SigningKeyRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.store.TenantRepository;
import dev.tollgate.core.store.UserRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.core.token.TokenVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyAdministrationTest {

    private static final TenantId TENANT = TenantId.of("10001");

    private InMemoryInstallation node;
    private ClientWithSecret client;

    @BeforeEach
    void provision() {
        node = new InMemoryInstallation();
        client = node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
    }

    @Test
    void rotateWhenDoneThenTheNextTokenIsSignedWithTheFormerNextKey() throws Exception {
        String formerCurrent = kidOf(KeyState.CURRENT);
        String formerNext = kidOf(KeyState.NEXT);
        assertThat(kidOfToken(issue())).isEqualTo(formerCurrent);

        rotateOnceTheNextKeyIsPublished();

        assertThat(kidOfToken(issue())).isEqualTo(formerNext).isNotEqualTo(formerCurrent);
        assertThat(kidOf(KeyState.CURRENT)).isEqualTo(formerNext);
        assertThat(kidOf(KeyState.RETIRED)).isEqualTo(formerCurrent);
    }

    @Test
    void rotateWhenDoneThenTheOldKidStaysInTheJwksUntilPublishUntilAndItsTokensVerifyMeanwhile() {
        String oldKid = kidOf(KeyState.CURRENT);
        String oldToken = issue().token().value();
        node.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        Instant rotatedAt = node.clock.instant();

        node.keys.rotate(TENANT);

        // Published for the longest lifetime any token can have, whatever today's clients say.
        Instant publishUntil = rotatedAt.plus(ClientCredential.MAX_TOKEN_TTL).plus(KeyRotation.CLOCK_SKEW);
        assertThat(key(oldKid).publishUntil()).isEqualTo(publishUntil);
        assertThat(node.jwks(TENANT).getKeyByKeyId(oldKid)).isNotNull();
        assertThat(TokenVerifier.verified(oldToken, node.jwks(TENANT))).isNotNull();

        node.clock.set(publishUntil.minusSeconds(1));
        assertThat(node.jwks(TENANT).getKeyByKeyId(oldKid)).isNotNull();

        node.clock.set(publishUntil);
        assertThat(node.jwks(TENANT).getKeyByKeyId(oldKid)).isNull();
    }

    @Test
    void rotateWhenDoneThenTheJwksAlreadyHoldsTheNewNextKey() {
        rotateOnceTheNextKeyIsPublished();

        List<String> published = node.jwks(TENANT).getKeys().stream().map(JWK::getKeyID).toList();

        assertThat(published).containsExactlyInAnyOrder(kidOf(KeyState.RETIRED), kidOf(KeyState.CURRENT),
                kidOf(KeyState.NEXT));
    }

    @Test
    void rotateWhenTheLongLivedClientWasDeletedThenTheRetiredKeyStillKeptForItsTokens() {
        var longLived = node.clients.create(TENANT,
                new ClientSpec("Long lived", ScopeSet.EMPTY, null, null, null, Duration.ofDays(1)));
        node.clients.delete(TENANT, longLived.client().clientId());
        String oldKid = kidOf(KeyState.CURRENT);

        rotateOnceTheNextKeyIsPublished();

        assertThat(key(oldKid).publishUntil())
                .isEqualTo(node.clock.instant().plus(Duration.ofDays(1)).plus(KeyRotation.CLOCK_SKEW));
    }

    @Test
    void rotateWhenAfterPublishUntilThenTheRetiredKeyDropped() {
        String first = kidOf(KeyState.CURRENT);
        rotateOnceTheNextKeyIsPublished();
        node.clock.advance(ClientCredential.MAX_TOKEN_TTL.plus(KeyRotation.CLOCK_SKEW).plusSeconds(1));

        List<SigningKey> keys = rotateOnceTheNextKeyIsPublished();

        assertThat(keys).extracting(SigningKey::kid).doesNotContain(first);
        assertThat(keys).extracting(SigningKey::state)
                .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.CURRENT, KeyState.NEXT);
    }

    @Test
    void rotateWhenBeforePublishUntilThenBothRetiredKeysKept() {
        rotateOnceTheNextKeyIsPublished();
        node.clock.advance(Duration.ofMinutes(10));

        List<SigningKey> keys = rotateOnceTheNextKeyIsPublished();

        assertThat(keys).extracting(SigningKey::state)
                .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.RETIRED, KeyState.CURRENT, KeyState.NEXT);
    }

    @Test
    void rotateWhenTheAlgorithmChangedThenSignsWithTheNewAlgorithmFromTheSecondRotation() throws Exception {
        node.tenants.updateSettings(TENANT, s -> s.withSigningAlgorithm(SigningAlgorithm.EdDSA));

        rotateOnceTheNextKeyIsPublished();
        assertThat(SignedJWT.parse(issue().token().value()).getHeader().getAlgorithm().getName()).isEqualTo("ES256");

        rotateOnceTheNextKeyIsPublished();
        TokenService.Outcome outcome = issue();
        assertThat(SignedJWT.parse(outcome.token().value()).getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
        assertThat(TokenVerifier.verified(outcome.token().value(), node.jwks(TENANT))).isNotNull();
    }

    @Test
    void rotateWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> node.keys.rotate(TenantId.of("99999")))
                .isInstanceOf(AdminFailure.NotFound.class).hasMessage("no tenant 99999");
    }

    @Test
    void rotateWhenAnotherNodeRotatedFirstThenRefusedAndOnlyTheOtherRotationHappened() {
        KeyAdministration otherNode = new KeyAdministration(node.store, ChangeListener.NONE, node.clock);
        Store racing = racingStore(() -> otherNode.rotate(TENANT));
        KeyAdministration thisNode = new KeyAdministration(racing, ChangeListener.NONE, node.clock);
        node.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);

        assertThatThrownBy(() -> thisNode.rotate(TENANT))
                .isInstanceOf(AdminFailure.Conflict.class)
                .hasMessage("keys of tenant 10001 changed during rotation; nothing was changed");
        assertThat(node.keys.list(TENANT)).extracting(SigningKey::state)
                .containsExactlyInAnyOrder(KeyState.RETIRED, KeyState.CURRENT, KeyState.NEXT);
    }

    @Test
    void rotateWhenTheNextKeyWasPublishedTooRecentlyThenRefusedSayingWhenAndNothingChanged() {
        List<SigningKey> before = node.keys.list(TENANT);
        Instant maySignAt = InMemoryInstallation.START.plus(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        node.clock.set(maySignAt.minusSeconds(1));

        assertThatThrownBy(() -> node.keys.rotate(TENANT))
                .isInstanceOfSatisfying(AdminFailure.Conflict.class,
                        f -> assertThat(f.code()).isEqualTo(AdminFailure.Conflict.Code.STATE))
                .hasMessageContaining("published for less than 310 s")
                .hasMessageContaining("rotate again at or after " + maySignAt);
        assertThat(node.keys.list(TENANT)).isEqualTo(before);
    }

    @Test
    void rotateWhenTheNextKeyWasPublishedExactlyLongEnoughThenItSigns() throws Exception {
        String formerNext = kidOf(KeyState.NEXT);
        node.clock.set(InMemoryInstallation.START.plus(KeyRotation.PUBLISHED_BEFORE_SIGNING));

        node.keys.rotate(TENANT);

        assertThat(kidOfToken(issue())).isEqualTo(formerNext);
    }

    @Test
    void rotateWhenRotatedTwiceQuicklyThenTheSecondWaitsForTheKeyTheFirstPublished() {
        rotateOnceTheNextKeyIsPublished();
        String published = kidOf(KeyState.NEXT);

        assertThatThrownBy(() -> node.keys.rotate(TENANT)).isInstanceOf(AdminFailure.Conflict.class);
        node.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        node.keys.rotate(TENANT);

        assertThat(kidOf(KeyState.CURRENT)).isEqualTo(published);
    }

    private List<SigningKey> rotateOnceTheNextKeyIsPublished() {
        node.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        return node.keys.rotate(TENANT);
    }

    private TokenService.Outcome issue() {
        TokenService.Outcome outcome = node.issue(TENANT, client.client().clientId().value(), client.secret().reveal());
        assertThat(outcome.isIssued()).isTrue();
        return outcome;
    }

    private static String kidOfToken(TokenService.Outcome outcome) throws Exception {
        return SignedJWT.parse(outcome.token().value()).getHeader().getKeyID();
    }

    private String kidOf(KeyState state) {
        return node.keys.list(TENANT).stream().filter(k -> k.state() == state).findFirst().orElseThrow().kid();
    }

    private SigningKey key(String kid) {
        return node.keys.list(TENANT).stream().filter(k -> k.kid().equals(kid)).findFirst().orElseThrow();
    }

    /** The in-memory store, except that just before a plan is applied another node's rotation runs. */
    private Store racingStore(Runnable competitor) {
        Store delegate = node.store;
        SigningKeyRepository keys = new SigningKeyRepository() {
            @Override
            public List<SigningKey> list(TenantId tenant) {
                return delegate.keys().list(tenant);
            }

            @Override
            public void insert(SigningKey key) {
                delegate.keys().insert(key);
            }

            @Override
            public boolean apply(KeyRotation.Plan plan) {
                competitor.run();
                return delegate.keys().apply(plan);
            }
        };
        return new Store() {
            @Override
            public TenantRepository tenants() {
                return delegate.tenants();
            }

            @Override
            public ScopeRepository scopes() {
                return delegate.scopes();
            }

            @Override
            public ClientRepository clients() {
                return delegate.clients();
            }

            @Override
            public SigningKeyRepository keys() {
                return keys;
            }

            @Override
            public InstallationRepository installation() {
                return delegate.installation();
            }

            @Override
            public UserRepository users() {
                return delegate.users();
            }

            @Override
            public RevocationRepository revocations() {
                return delegate.revocations();
            }

            @Override
            public dev.tollgate.core.store.AdminRepository admins() {
                return delegate.admins();
            }

            @Override
            public dev.tollgate.core.store.AdminSessionRepository adminSessions() {
                return delegate.adminSessions();
            }

            @Override
            public dev.tollgate.core.store.AuditRepository audit() {
                return delegate.audit();
            }

            @Override
            public dev.tollgate.core.store.TokenCountRepository tokenCounts() {
                return delegate.tokenCounts();
            }

            @Override
            public dev.tollgate.core.store.ReplayRepository replays() {
                return delegate.replays();
            }

            @Override
            public dev.tollgate.core.store.FederationRepository federation() {
                return delegate.federation();
            }

            @Override
            public <T> T inTransaction(Supplier<T> work) {
                return delegate.inTransaction(work);
            }

            @Override
            public String describe() {
                return "racing " + delegate.describe();
            }

            @Override
            public void close() {
            }
        };
    }
}
