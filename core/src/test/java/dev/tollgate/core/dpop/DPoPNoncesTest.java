package dev.tollgate.core.dpop;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Stateless DPoP nonces (RFC 9449 §8): shared by nodes with the same key, per tenant, two periods long. */
class DPoPNoncesTest {

    private static final TenantId A = TenantId.of("10001");
    private static final TenantId B = TenantId.of("10002");

    private final TestClock clock = TestClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    private final byte[] key = filled(7);
    private final DPoPNonces nonces = new DPoPNonces(key, clock);

    @Test
    void nonceWhenMadeByOneNodeThenAnotherWithTheSameKeyAcceptsIt() {
        DPoPNonces otherNode = new DPoPNonces(key.clone(), clock);

        assertThat(otherNode.isValid(A, nonces.current(A))).isTrue();
        assertThat(new DPoPNonces(filled(8), clock).isValid(A, nonces.current(A))).isFalse();
    }

    @Test
    void nonceWhenOfAnotherTenantThenInvalid() {
        assertThat(nonces.isValid(B, nonces.current(A))).isFalse();
    }

    @Test
    void nonceWhenOnePeriodOldThenValidAndTwoPeriodsOldThenInvalid() {
        String nonce = nonces.current(A);

        clock.advance(DPoPNonces.PERIOD);
        assertThat(nonces.isValid(A, nonce)).isTrue();
        clock.advance(DPoPNonces.PERIOD);
        assertThat(nonces.isValid(A, nonce)).isFalse();
    }

    @Test
    void nonceWhenMalformedOrFromTheFutureThenInvalid() {
        String current = nonces.current(A);
        long period = Long.parseLong(current.substring(0, current.indexOf('.')));

        assertThat(nonces.isValid(A, null)).isFalse();
        assertThat(nonces.isValid(A, "")).isFalse();
        assertThat(nonces.isValid(A, "no-dot")).isFalse();
        assertThat(nonces.isValid(A, "x." + current.substring(current.indexOf('.') + 1))).isFalse();
        assertThat(nonces.isValid(A, (period + 1) + current.substring(current.indexOf('.')))).isFalse();
        assertThat(nonces.isValid(A, current + "A".repeat(100))).isFalse();
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
