package dev.tollgate.core.revocation;

import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RevocationListTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final TenantId TENANT = TenantId.of("10001");
    private static final TenantId OTHER_TENANT = TenantId.of("20002");
    private static final ClientId CLIENT = new ClientId("client-a");
    private static final ClientId OTHER_CLIENT = new ClientId("client-b");

    private final RevocationList list = new RevocationList();

    @Test
    void isRevokedWhenListEmptyThenNothing() {
        assertThat(list.isRevoked(TENANT, CLIENT, "jti-1", NOW)).isFalse();
    }

    @Test
    void isRevokedWhenJtiRevokedThenThatJtiAndOnlyThatJti() {
        list.add(new RevokedToken(TENANT, CLIENT, "jti-1", NOW.plusSeconds(60)));

        assertThat(list.isRevoked(TENANT, CLIENT, "jti-1", NOW)).isTrue();
        assertThat(list.isRevoked(TENANT, CLIENT, "jti-2", NOW)).isFalse();
    }

    @Test
    void isRevokedWhenJtiRevokedInOneTenantThenTheSameJtiInAnotherNot() {
        list.add(new RevokedToken(TENANT, CLIENT, "jti-1", NOW.plusSeconds(60)));

        assertThat(list.isRevoked(OTHER_TENANT, CLIENT, "jti-1", NOW)).isFalse();
    }

    @Test
    void isRevokedWhenClientCutoffThenTokensIssuedBeforeItAndNotAfter() {
        list.add(new ClientTokenCutoff(TENANT, CLIENT, NOW, NOW.plus(Duration.ofDays(1))));

        assertThat(list.isRevoked(TENANT, CLIENT, "jti-1", NOW.minusSeconds(1))).isTrue();
        assertThat(list.isRevoked(TENANT, CLIENT, "jti-2", NOW)).isFalse();
        assertThat(list.isRevoked(TENANT, OTHER_CLIENT, "jti-3", NOW.minusSeconds(1))).isFalse();
        assertThat(list.isRevoked(OTHER_TENANT, CLIENT, "jti-4", NOW.minusSeconds(1))).isFalse();
    }

    @Test
    void isRevokedWhenCutoffThenTokensIssuedInTheSameWholeSecondAndNotTheNextOne() {
        Instant midSecond = NOW.plusMillis(400);
        list.add(ClientTokenCutoff.revokedAt(TENANT, CLIENT, midSecond));

        // iat is whole seconds: a token minted at 10:00:00.900 carries iat 10:00:00 and is revoked too.
        assertThat(list.isRevoked(TENANT, CLIENT, "jti-1", NOW)).isTrue();
        assertThat(list.isRevoked(TENANT, CLIENT, "jti-2", NOW.plusSeconds(1))).isFalse();
    }

    @Test
    void revokedAtWhenCutoffBuiltThenKeptForTheLongestTokenLifetime() {
        ClientTokenCutoff cutoff = ClientTokenCutoff.revokedAt(TENANT, CLIENT, NOW);

        assertThat(cutoff.notBefore()).isEqualTo(NOW.plusSeconds(1));
        assertThat(cutoff.keepUntil()).isEqualTo(cutoff.notBefore().plus(ClientCredential.MAX_TOKEN_TTL));
    }

    @Test
    void cutoffWhenTwoForOneClientThenTheLaterWinsWhicheverIsAddedFirst() {
        ClientTokenCutoff early = new ClientTokenCutoff(TENANT, CLIENT, NOW, NOW.plus(Duration.ofDays(1)));
        ClientTokenCutoff late = new ClientTokenCutoff(TENANT, CLIENT, NOW.plusSeconds(10),
                NOW.plus(Duration.ofDays(2)));

        list.add(late);
        list.add(early);

        assertThat(list.isRevoked(TENANT, CLIENT, "jti-1", NOW.plusSeconds(5))).isTrue();
        assertThat(list.clientCutoffs()).isEqualTo(1);
    }

    @Test
    void pruneWhenSomeTokensExpiredThenTheirEntriesDroppedAndTheOthersKept() {
        list.add(new RevokedToken(TENANT, CLIENT, "expiring", NOW.plusSeconds(60)));
        list.add(new RevokedToken(TENANT, CLIENT, "lasting", NOW.plusSeconds(600)));
        list.add(new ClientTokenCutoff(TENANT, CLIENT, NOW, NOW.plusSeconds(60)));
        list.add(new ClientTokenCutoff(TENANT, OTHER_CLIENT, NOW, NOW.plusSeconds(600)));

        list.prune(NOW.plusSeconds(60));

        assertThat(list.revokedTokens()).isEqualTo(1);
        assertThat(list.clientCutoffs()).isEqualTo(1);
        assertThat(list.isRevoked(TENANT, CLIENT, "expiring", NOW)).isFalse();
        assertThat(list.isRevoked(TENANT, CLIENT, "lasting", NOW)).isTrue();
        assertThat(list.isRevoked(TENANT, OTHER_CLIENT, "any", NOW.minusSeconds(1))).isTrue();
    }

    @Test
    void revokedTokenWhenBlankOrOverlongJtiThenCannotBeBuilt() {
        assertThatThrownBy(() -> new RevokedToken(TENANT, CLIENT, "", NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RevokedToken(TENANT, CLIENT, "x".repeat(129), NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cutoffWhenKeptForLessThanItsOwnTimeThenCannotBeBuilt() {
        assertThatThrownBy(() -> new ClientTokenCutoff(TENANT, CLIENT, NOW, NOW.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
