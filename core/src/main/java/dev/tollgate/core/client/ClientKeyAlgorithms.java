package dev.tollgate.core.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;

import java.util.List;
import java.util.Set;

/**
 * Which signature algorithm each kind of client key may be used with. The algorithm is pinned to the
 * key, never taken from the assertion alone: an RSA key verifies only RS and PS, an EC key only the
 * ES of its curve, an Ed25519 key only EdDSA. That closes the algorithm-confusion attacks (RFC 8725
 * §2.1, §3.1): {@code none}, and HS256 "signed" with the public key as the HMAC secret, match no key.
 */
public final class ClientKeyAlgorithms {

    /** What the metadata announces ({@code token_endpoint_auth_signing_alg_values_supported}). */
    public static final List<JWSAlgorithm> SUPPORTED = List.of(
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    private ClientKeyAlgorithms() {
    }

    /** Whether {@code key} may verify a signature made with {@code alg}; its own {@code alg} member, if any, must match too. */
    public static boolean fits(JWSAlgorithm alg, JWK key) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        return forKey(key).contains(alg);
    }

    public static Set<JWSAlgorithm> forKey(JWK key) {
        return switch (key) {
            case RSAKey ignored -> RSA;
            case ECKey ec -> {
                Curve curve = ec.getCurve();
                if (Curve.P_256.equals(curve)) {
                    yield Set.of(JWSAlgorithm.ES256);
                } else if (Curve.P_384.equals(curve)) {
                    yield Set.of(JWSAlgorithm.ES384);
                } else if (Curve.P_521.equals(curve)) {
                    yield Set.of(JWSAlgorithm.ES512);
                }
                yield Set.of();
            }
            case OctetKeyPair okp -> Curve.Ed25519.equals(okp.getCurve())
                    ? Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519) : Set.of();
            default -> Set.of();
        };
    }

    /** The verifier of {@code key}; call only after {@link #fits}. */
    public static JWSVerifier verifier(JWK key) throws JOSEException {
        return switch (key) {
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            case ECKey ec -> new ECDSAVerifier(ec);
            case OctetKeyPair okp -> new Ed25519Verifier(okp);
            default -> throw new JOSEException("unsupported key type " + key.getKeyType());
        };
    }
}
