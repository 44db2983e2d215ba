package dev.tollgate.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reused JCA signatures give tokens that Nimbus's own verifiers accept, also when signed concurrently. */
class PooledSignerTest {

    @Test
    void signWhenManyThreadsSignAtOnceThenEverySignatureVerifies() throws Exception {
        for (SigningAlgorithm algorithm : List.of(SigningAlgorithm.ES256, SigningAlgorithm.RS256)) {
            JWK key = algorithm.generate("k-" + algorithm);
            JWSSigner signer = algorithm.signer(key);
            assertThat(signer).isInstanceOf(PooledSigner.class);
            List<Future<String>> tokens = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < 400; i++) {
                    String claims = "{\"n\":" + i + "}";
                    tokens.add(threads.submit(() -> {
                        JWSObject jws = new JWSObject(new JWSHeader(algorithm.jwsAlgorithm()), new Payload(claims));
                        jws.sign(signer);
                        return jws.serialize();
                    }));
                }
            }
            for (int i = 0; i < tokens.size(); i++) {
                JWSObject parsed = JWSObject.parse(tokens.get(i).get());
                assertThat(parsed.verify(algorithm.verifier(key.toPublicJWK()))).as(algorithm + " token " + i).isTrue();
                assertThat(parsed.getPayload().toString()).isEqualTo("{\"n\":" + i + "}");
            }
        }
    }

    @Test
    void signWhenHeaderNamesAnotherAlgorithmThenRefused() throws Exception {
        JWSSigner signer = SigningAlgorithm.ES256.signer(SigningAlgorithm.ES256.generate("k"));
        assertThatThrownBy(() -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[] {1}))
                .isInstanceOf(JOSEException.class);
    }

    @Test
    void createWhenKeyIsForAnotherAlgorithmThenRefusedAtOnce() throws Exception {
        RSAKey rsa = (RSAKey) SigningAlgorithm.RS256.generate("rsa");
        ECKey ec = (ECKey) SigningAlgorithm.ES256.generate("ec");
        assertThatThrownBy(() -> PooledSigner.es256(rsa.toPrivateKey())).isInstanceOf(JOSEException.class);
        assertThatThrownBy(() -> PooledSigner.rs256(ec.toPrivateKey())).isInstanceOf(JOSEException.class);
    }
}
