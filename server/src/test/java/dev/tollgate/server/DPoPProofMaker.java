package dev.tollgate.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import net.minidev.json.JSONObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * DPoP proofs for tests: made by the Nimbus SDK's {@link DefaultDPoPProofFactory} (as a third-party
 * client makes them), and made by hand with any header and claims, for the hostile cases the SDK
 * would refuse to make (a private key in {@code jwk}, {@code alg: none}, HMAC).
 */
final class DPoPProofMaker {

    final ECKey key;
    private final DefaultDPoPProofFactory factory;

    DPoPProofMaker() {
        try {
            this.key = new ECKeyGenerator(Curve.P_256).generate();
            this.factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SDK's proof: fresh jti, iat now, ath of {@code accessToken} when given. */
    String nimbus(String method, URI uri, String accessToken, String nonce) {
        try {
            Nonce n = nonce == null ? null : new Nonce(nonce);
            return (accessToken == null ? factory.createDPoPJWT(method, uri, n)
                    : factory.createDPoPJWT(method, uri, new DPoPAccessToken(accessToken), n)).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header a well-formed proof has: ES256, dpop+jwt, this key's public JWK. */
    Map<String, Object> header() {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "dpop+jwt");
        header.put("alg", "ES256");
        header.put("jwk", key.toPublicJWK().toJSONObject());
        return header;
    }

    /** The claims a well-formed proof has for {@code method} and {@code uri} at {@code now}. */
    static Map<String, Object> claims(String method, String uri, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("htm", method);
        claims.put("htu", uri);
        claims.put("iat", now.getEpochSecond());
        return claims;
    }

    /** A compact JWS of exactly this header and these claims, signed with this key (ES256). */
    String signed(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return sign(header, claims, new ECDSASigner(key), JWSAlgorithm.ES256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same, HMAC-signed with {@code secret} (which a server must never accept). */
    static String hmac(Map<String, Object> header, Map<String, Object> claims, byte[] secret) {
        try {
            return sign(header, claims, new MACSigner(secret), JWSAlgorithm.HS256);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: header and claims, an empty signature. */
    static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
        return part(header) + "." + part(claims) + ".";
    }

    private static String sign(Map<String, Object> header, Map<String, Object> claims, JWSSigner signer,
                               JWSAlgorithm alg) throws JOSEException {
        // Signed over the exact bytes, so a header Nimbus's builder would refuse (a private jwk) can be made.
        String input = part(header) + "." + part(claims);
        Base64URL signature = signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + signature;
    }

    private static String part(Map<String, Object> json) {
        return Base64URL.encode(new JSONObject(json).toJSONString()).toString();
    }
}
