package dev.tollgate.core.key;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.TokenGrant;
import dev.tollgate.core.token.TokenMinter;
import dev.tollgate.core.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.tollgate.core.client.ClientCredentialBuilder.aClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ACCP signs in this process; APIs verify with whatever their JDK has. Tokens must verify either way.
 * Installing a provider is process-wide, which is also how the server runs.
 */
class CryptoProvidersTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ACCP = "AmazonCorrettoCryptoProvider";

    @Test
    void installPreferredWhenCalledTwiceThenIdempotentAndAccpFirstOnLinuxX8664() {
        assumeAccpPlatform();

        String first = CryptoProviders.installPreferred();
        String second = CryptoProviders.installPreferred();

        assertThat(second).isSameAs(first).isEqualTo(CryptoProviders.active());
        assertThat(first).startsWith(ACCP);
        assertThat(Security.getProviders()[0].getName()).isEqualTo(ACCP);
        assertThat(Arrays.stream(Security.getProviders()).filter(p -> p.getName().equals(ACCP))).hasSize(1);
    }

    @Test
    void es256TokenWhenSignedWithAccpThenVerifiesWithTheJdksSunEc() throws Exception {
        assumeAccpPlatform();
        CryptoProviders.installPreferred();
        assertThat(Signature.getInstance("SHA256withECDSA").getProvider().getName()).isEqualTo(ACCP);
        SigningKeyRing ring = SigningKeyRing.of(KeyRotation.initialKeys(TenantId.of("10001"), SigningAlgorithm.ES256, NOW));
        var client = aClient().build();

        for (int i = 0; i < 20; i++) {
            IssuedToken token = new TokenMinter().mint(
                    new TokenGrant(client, client.defaultScopes(), List.of("aud"), client.tokenTtl()), ring, "iss", NOW);
            ECDSAVerifier jdkVerifier = new ECDSAVerifier(
                    (ECKey) ring.publicJwks(NOW).getKeyByKeyId(ring.current().kid()));
            Provider sunEc = Security.getProvider("SunEC");
            jdkVerifier.getJCAContext().setProvider(sunEc);

            assertThat(SignedJWT.parse(token.value()).verify(jdkVerifier)).as("token %d", i).isTrue();
        }
    }

    @Test
    void everyAlgorithmWhenAccpInstalledThenStillSignsAndVerifies() throws Exception {
        CryptoProviders.installPreferred();
        var client = aClient().build();

        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            SigningKeyRing ring = SigningKeyRing.of(KeyRotation.initialKeys(TenantId.of("10001"), algorithm, NOW));
            IssuedToken token = new TokenMinter().mint(
                    new TokenGrant(client, client.defaultScopes(), List.of("aud"), client.tokenTtl()), ring, "iss", NOW);

            assertThat(dev.tollgate.core.token.TokenVerifier.verified(token.value(), ring.publicJwks(NOW))
                    .getHeader().getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        }
    }

    private static void assumeAccpPlatform() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                        && System.getProperty("os.arch").matches("amd64|x86_64")
                        && !Boolean.getBoolean("tollgate.crypto.jdk-only"),
                "the ACCP dependency is the linux-x86_64 build");
    }
}
