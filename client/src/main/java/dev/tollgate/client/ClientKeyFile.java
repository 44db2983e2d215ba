package dev.tollgate.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * A private_key_jwt client's signing key, read once from a file: a private JWK (JSON with
 * {@code d}), or a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey}
 * writes) holding an EC (P-256, P-384, P-521) or RSA key. Only the parsed key is kept: every
 * assertion is signed fresh, with its own {@code jti}, because the server accepts each jti once.
 *
 * @param key       the private key
 * @param algorithm ES256/ES384/ES512 by curve, RS256 for RSA
 * @param keyId     the JWK's {@code kid}, or the one given; null sends no kid (the server then needs
 *                  the client to have exactly one key of that type)
 */
record ClientKeyFile(PrivateKey key, JWSAlgorithm algorithm, String keyId) {

    static ClientKeyFile read(Path file, String keyId) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("privateKey: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return text.strip().startsWith("{") ? fromJwk(text, keyId) : fromPem(text, keyId);
        } catch (ParseException | JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("privateKey: " + file + " is neither a private JWK nor a PKCS#8 PEM"
                    + " EC or RSA private key (" + e.getMessage() + ")", e);
        }
    }

    private static ClientKeyFile fromJwk(String json, String keyId) throws ParseException, JOSEException {
        JWK jwk = JWK.parse(json);
        if (!jwk.isPrivate()) {
            throw new IllegalArgumentException("the JWK has no private part (d)");
        }
        String kid = keyId != null ? keyId : jwk.getKeyID();
        if (jwk instanceof ECKey ec) {
            return new ClientKeyFile(ec.toECPrivateKey(), ecAlgorithm(ec.toECPrivateKey()), kid);
        }
        if (jwk instanceof RSAKey rsa) {
            return new ClientKeyFile(rsa.toRSAPrivateKey(), JWSAlgorithm.RS256, kid);
        }
        throw new IllegalArgumentException("key type " + jwk.getKeyType() + " is not supported; use EC or RSA");
    }

    private static ClientKeyFile fromPem(String pem, String keyId) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + begin + " block (convert with openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String type : new String[] {"EC", "RSA"}) {
            try {
                PrivateKey key = KeyFactory.getInstance(type).generatePrivate(spec);
                JWSAlgorithm alg = key instanceof ECPrivateKey ec ? ecAlgorithm(ec) : JWSAlgorithm.RS256;
                if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < 2048) {
                    throw new IllegalArgumentException("an RSA key needs at least 2048 bits");
                }
                return new ClientKeyFile(key, alg, keyId);
            } catch (java.security.spec.InvalidKeySpecException notThisType) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("the PEM holds neither an EC nor an RSA key");
    }

    private static JWSAlgorithm ecAlgorithm(ECPrivateKey key) {
        int bits = key.getParams().getCurve().getField().getFieldSize();
        return switch (bits) {
            case 256 -> JWSAlgorithm.ES256;
            case 384 -> JWSAlgorithm.ES384;
            case 521 -> JWSAlgorithm.ES512;
            default -> throw new IllegalArgumentException("EC curve of " + bits + " bits is not supported");
        };
    }
}
