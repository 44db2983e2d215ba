package dev.tollgate.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
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
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Keys and tokens shaped like Tollgate's, made in the test. */
final class Tokens {

    static final String ISSUER = "https://auth.example.test/t/10001";
    static final String AUDIENCE = "https://auth.example.test/t/10001/api";
    static final String TENANT = "10001";
    static final String CLIENT_ID = "9e6155fd-1b7c-4b39-9a43-3f3c6a1f2e10";
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private Tokens() {
    }

    static ECKey ecKey() {
        return generate(() -> new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString())
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate());
    }

    static RSAKey rsaKey(JWSAlgorithm alg) {
        return generate(() -> new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString())
                .keyUse(KeyUse.SIGNATURE).algorithm(alg).generate());
    }

    static OctetKeyPair edKey() {
        return generate(() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(UUID.randomUUID().toString())
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).generate());
    }

    /** The claims Tollgate's TokenMinter writes, issued at {@code now} for an hour. */
    static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(CLIENT_ID)
                .audience(AUDIENCE)
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", CLIENT_ID)
                .claim("scope", "users:read users:write")
                .claim("customer_id", TENANT)
                .claim("client_name", "Default Client Credential")
                .claim("authorities", List.of("ROLE_USER_ADMIN"));
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        JWSAlgorithm alg = key.getAlgorithm() != null ? JWSAlgorithm.parse(key.getAlgorithm().getName())
                : JWSAlgorithm.ES256;
        return sign(key, new JWSHeader.Builder(alg).type(AT_JWT).keyID(key.getKeyID()).build(), claims);
    }

    static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = switch (key) {
                case ECKey ec -> new ECDSASigner(ec);
                case RSAKey rsa -> new RSASSASigner(rsa);
                case OctetKeyPair okp -> new Ed25519Signer(okp);
                default -> throw new IllegalArgumentException(key.getKeyType().getValue());
            };
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface KeyMaker<K extends JWK> {
        K generate() throws JOSEException;
    }

    private static <K extends JWK> K generate(KeyMaker<K> maker) {
        try {
            return maker.generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
