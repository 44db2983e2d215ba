package dev.tollgate.core.cache;

import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "two quick key rotations, one node idle": the idle node serves its JWKS from its own
 * cache, up to its staleness bound old. Whatever the busy node does, the key it signs with must be
 * in the idle node's JWKS.
 */
class KeyRotationAcrossNodesTest {

    private static final TenantId TENANT = TenantId.of("10001");

    @Test
    void rotateWhenTwiceInQuickSuccessionThenTheIdleNodesJwksAlwaysHoldsTheSigningKey() throws Exception {
        InMemoryInstallation busy = new InMemoryInstallation();
        ClientWithSecret client = busy.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS).clients().get(0);
        Directory idle = new Directory(busy.store, Duration.ofSeconds(2), KeyRotation.NODE_CACHE_STALENESS, 1_000,
                Duration.ofSeconds(2), () -> nanosOf(busy.clock.instant()));
        busy.clock.advance(KeyRotation.PUBLISHED_BEFORE_SIGNING);
        assertThat(idle.keyRing(TENANT)).isPresent();
        busy.keys.rotate(TENANT);

        int rotations = 1;
        for (int second = 0; second <= KeyRotation.PUBLISHED_BEFORE_SIGNING.toSeconds() + 5; second++) {
            try {
                busy.keys.rotate(TENANT);
                rotations++;
            } catch (AdminFailure.Conflict tooEarly) {
                // What the operator is told; the key the busy node signs with stays as it was.
            }
            String signingKid = SignedJWT.parse(busy.issue(TENANT, client.client().clientId().value(),
                    client.secret().reveal()).token().value()).getHeader().getKeyID();
            assertThat(idle.keyRing(TENANT).orElseThrow().publicJwks(busy.clock.instant()).getKeyByKeyId(signingKid))
                    .as("idle node's JWKS at +%d s holds %s", second, signingKid).isNotNull();
            busy.clock.advance(Duration.ofSeconds(1));
        }

        assertThat(rotations).isEqualTo(2);
    }

    private static long nanosOf(Instant instant) {
        return ChronoUnit.NANOS.between(InMemoryInstallation.START, instant);
    }
}
