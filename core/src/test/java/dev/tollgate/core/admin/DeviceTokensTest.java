package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.testing.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceTokensTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final String ADMIN = "0d4f3c1e-6a55-4c0e-9b7a-2f1f1b1a0c01";

    private final TestClock clock = TestClock.startingNow();
    private final byte[] key = DeviceTokens.newKey();
    private final DeviceTokens devices = new DeviceTokens(key, clock);

    @Test
    void verifyWhenIssuedByTheSameKeyThenTheTenantAdminAndDevice() {
        String token = devices.issue(TENANT, ADMIN, null);

        assertThat(devices.verify(token)).hasValueSatisfying(device -> {
            assertThat(device.tenant()).isEqualTo(TENANT);
            assertThat(device.adminId()).isEqualTo(ADMIN);
            assertThat(device.deviceId()).hasSizeGreaterThanOrEqualTo(22);
        });
        // Another node of the installation holds the same key.
        assertThat(new DeviceTokens(key, clock).verify(token)).isPresent();
    }

    @Test
    void verifyWhenSignedWithAnotherKeyThenEmpty() {
        String token = new DeviceTokens(DeviceTokens.newKey(), clock).issue(TENANT, ADMIN, null);

        assertThat(devices.verify(token)).isEmpty();
    }

    @Test
    void verifyWhenThePayloadNamesAnotherAdminThenEmpty() {
        String token = devices.issue(TENANT, ADMIN, null);
        String mac = token.substring(token.indexOf('.'));
        String other = devices.issue(TENANT, "someone-else", null);

        assertThat(devices.verify(other.substring(0, other.indexOf('.')) + mac)).isEmpty();
    }

    @Test
    void verifyWhenMalformedThenEmpty() {
        assertThat(devices.verify(null)).isEmpty();
        assertThat(devices.verify("")).isEmpty();
        assertThat(devices.verify("no-dot")).isEmpty();
        assertThat(devices.verify("a.b.c")).isEmpty();
        assertThat(devices.verify("!!!.???")).isEmpty();
        assertThat(devices.verify("x".repeat(DeviceTokens.MAX_LENGTH + 1))).isEmpty();
    }

    @Test
    void verifyWhenOlderThanItsLifetimeThenEmpty() {
        String token = devices.issue(TENANT, ADMIN, null);

        clock.advance(DeviceTokens.LIFETIME.minusSeconds(1));
        assertThat(devices.verify(token)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(devices.verify(token)).isEmpty();
    }

    @Test
    void issueWhenThePreviousDeviceIsTheSameAdminsThenItsIdIsKeptAndOtherwiseANewOne() {
        DeviceTokens.Device first = devices.verify(devices.issue(TENANT, ADMIN, null)).orElseThrow();

        assertThat(devices.verify(devices.issue(TENANT, ADMIN, first)).orElseThrow().deviceId())
                .isEqualTo(first.deviceId());
        assertThat(devices.verify(devices.issue(TENANT, "someone-else", first)).orElseThrow().deviceId())
                .isNotEqualTo(first.deviceId());
    }

    @Test
    void constructorWhenTheKeyIsShortThenRefused() {
        assertThatThrownBy(() -> new DeviceTokens(new byte[16], clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
    }
}
