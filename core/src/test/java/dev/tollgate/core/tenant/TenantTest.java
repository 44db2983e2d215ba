package dev.tollgate.core.tenant;

import dev.tollgate.core.key.SigningAlgorithm;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void tenantWhenNameBlankThenNamedAfterItsId() {
        assertThat(new Tenant(TenantId.of("10001"), "  ", TenantSettings.DEFAULTS, NOW).name()).isEqualTo("10001");
        assertThat(new Tenant(TenantId.of("10001"), null, TenantSettings.DEFAULTS, NOW).name()).isEqualTo("10001");
    }

    @Test
    void tenantWhenSettingsMissingThenRefused() {
        assertThatThrownBy(() -> new Tenant(TenantId.of("10001"), "Acme", null, NOW))
                .isInstanceOf(NullPointerException.class).hasMessage("settings");
    }

    @Test
    void withSettingsWhenCalledThenIdNameAndCreationKept() {
        Tenant tenant = new Tenant(TenantId.of("10001"), "Acme", TenantSettings.DEFAULTS, NOW);

        Tenant changed = tenant.withSettings(TenantSettings.DEFAULTS.withAllowQueryCredentials(true));

        assertThat(changed).isEqualTo(new Tenant(TenantId.of("10001"), "Acme",
                new TenantSettings(SigningAlgorithm.ES256, true, null), NOW));
    }

    @Test
    void settingsWhenDefaultThenEs256WithoutQueryCredentialsOrDefaultAudience() {
        assertThat(TenantSettings.DEFAULTS).isEqualTo(new TenantSettings(SigningAlgorithm.ES256, false, null));
        assertThat(TenantSettings.ALLOW_QUERY_CREDENTIALS).isEqualTo("allow-query-credentials");
    }

    @Test
    void settingsWhenDefaultAudienceBlankThenNone() {
        assertThat(TenantSettings.DEFAULTS.withDefaultAudience(" ").defaultAudience()).isNull();
    }

    @Test
    void settingsWhenSigningAlgorithmMissingThenRefused() {
        assertThatThrownBy(() -> new TenantSettings(null, false, null))
                .isInstanceOf(NullPointerException.class).hasMessage("signingAlgorithm");
    }

    @Test
    void settingsWithersWhenCalledThenEachChangesOneField() {
        TenantSettings settings = TenantSettings.DEFAULTS
                .withSigningAlgorithm(SigningAlgorithm.EdDSA)
                .withDefaultAudience("https://api.acme.example")
                .withAllowQueryCredentials(true);

        assertThat(settings).isEqualTo(new TenantSettings(SigningAlgorithm.EdDSA, true, "https://api.acme.example"));
    }
}
