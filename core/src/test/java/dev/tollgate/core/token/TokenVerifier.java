package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;

/**
 * Verifies a token the way an API would: find the {@code kid} in the published JWKS and check the
 * signature with Nimbus's verifier for that key type. Fails loudly; a test asserts on the result.
 */
public final class TokenVerifier {

    private TokenVerifier() {
    }

    /** The parsed token, after its signature was checked against the key the JWKS holds for its kid. */
    public static SignedJWT verified(String serialized, JWKSet publishedKeys) {
        try {
            SignedJWT jwt = SignedJWT.parse(serialized);
            JWK key = publishedKeys.getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null) {
                throw new AssertionError("kid " + jwt.getHeader().getKeyID() + " is not in the JWKS");
            }
            if (!jwt.verify(verifierFor(key))) {
                throw new AssertionError("signature does not verify with key " + key.getKeyID());
            }
            return jwt;
        } catch (ParseException | JOSEException e) {
            throw new AssertionError("token does not parse or verify: " + e, e);
        }
    }

    public static JWSVerifier verifierFor(JWK publicKey) throws JOSEException {
        if (publicKey.isPrivate()) {
            throw new AssertionError("published key " + publicKey.getKeyID() + " has a private part");
        }
        if (publicKey instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (publicKey instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (publicKey instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        throw new AssertionError("unexpected key type " + publicKey.getKeyType());
    }
}
