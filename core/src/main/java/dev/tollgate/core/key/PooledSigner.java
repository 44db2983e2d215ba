package dev.tollgate.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link JWSSigner} for ES256 and RS256 that keeps its JCA {@link Signature} objects initialised
 * with the key and reuses them. Nimbus's {@code ECDSASigner} and {@code RSASSASigner} look the
 * algorithm up in the provider list and initialise a new {@code Signature} for every token, which
 * the profile of the token endpoint showed as a visible share of a token's CPU. A {@code Signature}
 * is reset to its initialised state by {@code sign()}, so a pooled one signs the next token with
 * nothing else to do; a signature that failed is not returned to the pool.
 *
 * <p>The pool holds at most as many objects as tokens were ever signed at once: one per core under
 * load. The JWS encoding (ECDSA's DER to R||S transcoding, Base64URL) is Nimbus's.
 */
final class PooledSigner implements JWSSigner {

    private final JWSAlgorithm algorithm;
    private final String jcaName;
    private final PrivateKey key;
    private final int ecdsaSignatureLength;
    private final JCAContext jcaContext = new JCAContext();
    private final ConcurrentLinkedQueue<Signature> idle = new ConcurrentLinkedQueue<>();

    private PooledSigner(JWSAlgorithm algorithm, String jcaName, PrivateKey key, int ecdsaSignatureLength) {
        this.algorithm = algorithm;
        this.jcaName = jcaName;
        this.key = key;
        this.ecdsaSignatureLength = ecdsaSignatureLength;
    }

    static PooledSigner es256(PrivateKey key) throws JOSEException {
        return checked(new PooledSigner(JWSAlgorithm.ES256, "SHA256withECDSA", key,
                ECDSA.getSignatureByteArrayLength(JWSAlgorithm.ES256)));
    }

    static PooledSigner rs256(PrivateKey key) throws JOSEException {
        return checked(new PooledSigner(JWSAlgorithm.RS256, "SHA256withRSA", key, 0));
    }

    /** Fails at construction, not at the first token, when the key does not fit the algorithm. */
    private static PooledSigner checked(PooledSigner signer) throws JOSEException {
        signer.idle.add(signer.newSignature());
        return signer;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!algorithm.equals(header.getAlgorithm())) {
            throw new JOSEException("this signer signs " + algorithm + ", not " + header.getAlgorithm());
        }
        Signature signature = idle.poll();
        if (signature == null) {
            signature = newSignature();
        }
        byte[] signed;
        try {
            signature.update(signingInput);
            signed = signature.sign();
        } catch (GeneralSecurityException e) {
            throw new JOSEException("signing failed: " + e.getMessage(), e);
        }
        idle.offer(signature);
        return Base64URL.encode(ecdsaSignatureLength > 0
                ? ECDSA.transcodeSignatureToConcat(signed, ecdsaSignatureLength) : signed);
    }

    private Signature newSignature() throws JOSEException {
        try {
            // A provider pinned through the JCA context (the benchmarks' jdk arm) applies to the
            // signatures made after it was set; otherwise the JVM's preferred one (ACCP where it loads).
            Signature signature = jcaContext.getProvider() != null
                    ? Signature.getInstance(jcaName, jcaContext.getProvider()) : Signature.getInstance(jcaName);
            signature.initSign(key);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot sign " + algorithm + " with this key: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(algorithm);
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
