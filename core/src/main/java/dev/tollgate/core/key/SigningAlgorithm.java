package dev.tollgate.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.util.Locale;

/** The asymmetric algorithms a tenant can sign with. Symmetric (HS*) is deliberately absent: RFC 8725 §3.1. */
public enum SigningAlgorithm {
    ES256(JWSAlgorithm.ES256),
    RS256(JWSAlgorithm.RS256),
    PS256(JWSAlgorithm.PS256),
    EdDSA(JWSAlgorithm.EdDSA);

    private final JWSAlgorithm jwsAlgorithm;

    SigningAlgorithm(JWSAlgorithm jwsAlgorithm) {
        this.jwsAlgorithm = jwsAlgorithm;
    }

    public JWSAlgorithm jwsAlgorithm() {
        return jwsAlgorithm;
    }

    public static SigningAlgorithm parse(String name) {
        for (SigningAlgorithm alg : values()) {
            if (alg.name().equalsIgnoreCase(name)) {
                return alg;
            }
        }
        throw new IllegalArgumentException("unknown signing algorithm '" + name + "'; one of ES256, RS256, PS256, EdDSA");
    }

    /** A new private key for this algorithm, with {@code kid}, {@code use=sig} and {@code alg} set. */
    public JWK generate(String kid) {
        try {
            return switch (this) {
                case ES256 -> new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(jwsAlgorithm).generate();
                case RS256, PS256 -> new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(jwsAlgorithm).generate();
                case EdDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).keyUse(KeyUse.SIGNATURE)
                        .algorithm(jwsAlgorithm).generate();
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate " + this + " key", e);
        }
    }

    /** A thread-safe signer for a private key of this algorithm. */
    public JWSSigner signer(JWK privateKey) {
        try {
            return switch (this) {
                case ES256 -> PooledSigner.es256(((ECKey) privateKey).toPrivateKey());
                case RS256 -> PooledSigner.rs256(((RSAKey) privateKey).toPrivateKey());
                case PS256 -> new RSASSASigner((RSAKey) privateKey);
                case EdDSA -> new Ed25519Signer((OctetKeyPair) privateKey);
            };
        } catch (JOSEException | ClassCastException e) {
            throw new IllegalStateException("key " + privateKey.getKeyID() + " does not fit " + this, e);
        }
    }

    /** A thread-safe verifier for the public half of a key of this algorithm. */
    public JWSVerifier verifier(JWK publicKey) {
        try {
            return switch (this) {
                case ES256 -> new ECDSAVerifier((ECKey) publicKey);
                case RS256, PS256 -> new RSASSAVerifier((RSAKey) publicKey);
                case EdDSA -> new Ed25519Verifier((OctetKeyPair) publicKey);
            };
        } catch (JOSEException | ClassCastException e) {
            throw new IllegalStateException("key " + publicKey.getKeyID() + " does not fit " + this, e);
        }
    }

    @Override
    public String toString() {
        return name().equals("EdDSA") ? "EdDSA" : name().toUpperCase(Locale.ROOT);
    }
}
