package dev.tollgate.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.crypto.impl.RSASSA;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.tollgate.core.key.CryptoProviders;
import dev.tollgate.core.key.SigningAlgorithm;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;

/**
 * The two arms of every comparison. {@code accp}: what the server does at startup,
 * {@link CryptoProviders#installPreferred()} (ACCP at position 1 for the whole JVM).
 * {@code jdk}: ACCP never installed, and the signer pinned to the JDK provider explicitly.
 *
 * <p>Because installing ACCP is JVM-wide and irreversible, each arm must run in its own fork
 * (JMH forks once per parameter combination, so {@code @Fork(1)} or more does that).
 */
final class Providers {

    static final String ACCP = "accp";
    static final String JDK = "jdk";
    /** By name, not AmazonCorrettoCryptoProvider.INSTANCE: touching that class in a jdk fork loads ACCP. */
    private static final String ACCP_NAME = "AmazonCorrettoCryptoProvider";

    private Providers() {
    }

    /** Call before any key is generated or signer built, as the server does. */
    static void install(String provider) {
        switch (provider) {
            case ACCP -> {
                String active = CryptoProviders.installPreferred();
                System.err.println("[bench] CryptoProviders.active() = " + CryptoProviders.active());
                if (!ACCP_NAME.equals(Security.getProviders()[0].getName())) {
                    // Reporting JDK numbers under the accp label would make the ratio a lie.
                    throw new IllegalStateException("ACCP is not the first provider: " + active);
                }
            }
            case JDK -> {
                // Deliberately not CryptoProviders.active(): it installs ACCP when nothing has yet.
                if (Security.getProvider(ACCP_NAME) != null) {
                    throw new IllegalStateException("ACCP is installed in a jdk fork");
                }
            }
            default -> throw new IllegalArgumentException("provider must be accp or jdk, not " + provider);
        }
    }

    /** For {@code jdk}, pins the Nimbus signer's JCA provider to the JDK's (a no-op for EdDSA: Tink signs). */
    static void pin(String provider, SigningAlgorithm algorithm, JWSSigner signer) {
        if (!JDK.equals(provider)) {
            return;
        }
        switch (algorithm) {
            case ES256 -> signer.getJCAContext().setProvider(require("SunEC"));
            case RS256, PS256 -> signer.getJCAContext().setProvider(require("SunRsaSign"));
            case EdDSA -> {
                // Nimbus's Ed25519Signer ignores the JCA context; Tink does the curve arithmetic in Java.
            }
        }
    }

    /** One line to stderr naming the provider that actually signs (resolved the way Nimbus resolves it). */
    static void describe(String provider, SigningAlgorithm algorithm, JWSSigner signer, JWK key) {
        String engine;
        try {
            Provider pinned = signer.getJCAContext().getProvider();
            JWSAlgorithm alg = algorithm.jwsAlgorithm();
            engine = switch (algorithm) {
                case ES256 -> signedBy(ECDSA.getSignerAndVerifier(alg, pinned), key, true);
                case RS256, PS256 -> signedBy(RSASSA.getSignerAndVerifier(alg, pinned), key, false);
                // Tink's pure-Java Ed25519 hashes with a JCA SHA-512 from the default provider order.
                case EdDSA -> "Tink Ed25519 (SHA-512 from "
                        + MessageDigest.getInstance("SHA-512").getProvider().getName() + ")";
            };
        } catch (JOSEException | GeneralSecurityException e) {
            engine = "? (" + e + ")";
        }
        System.err.println("[bench] " + algorithm + "/" + provider + ": first provider "
                + Security.getProviders()[0].getName() + ", signature by " + engine);
    }

    private static String signedBy(Signature signature, JWK key, boolean ec) throws JOSEException, GeneralSecurityException {
        signature.initSign(ec ? ((ECKey) key).toECPrivateKey() : ((RSAKey) key).toRSAPrivateKey());
        return signature.getProvider().getName() + " " + signature.getAlgorithm();
    }

    private static Provider require(String name) {
        Provider p = Security.getProvider(name);
        if (p == null) {
            throw new IllegalStateException("JDK provider " + name + " missing");
        }
        return p;
    }
}
