package dev.tollgate.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKeyRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Raw cost of signing one access token: a JWS over the production header ({@code alg},
 * {@code typ=at+jwt}, {@code kid}) and ~350 bytes of RFC 9068 claims, signed with the
 * production signer ({@link SigningAlgorithm#signer}) and serialized to compact form.
 * The claims set is built once; {@link MintBenchmark} adds the per-token claims building.
 *
 * <p>{@code provider=accp} installs ACCP as the server does; {@code provider=jdk} never
 * installs it and pins the signer to SunEC / SunRsaSign. EdDSA is signed by Tink's Java
 * Ed25519 whatever the JCA setup (only its SHA-512 comes from the first JCA provider), so
 * its two rows should agree within noise.
 *
 * <p>Each (algorithm, provider) pair runs in its own JVM: JMH forks per parameter set, and
 * ACCP, once installed, is installed for the whole JVM.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Native access for ACCP's JNI library: silences the JDK 24+ warning, accepted by JDK 21 too.
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SigningBenchmark {

    @Param({"ES256", "RS256", "PS256", "EdDSA"})
    public SigningAlgorithm algorithm;

    @Param({"accp", "jdk"})
    public String provider;

    private JWSHeader header;
    private JWTClaimsSet claims;
    private JWSSigner signer;

    @Setup
    public void setUp() throws JOSEException {
        System.err.println(); // JMH has printed "Iteration 1: " without a newline when setup runs
        Providers.install(provider);
        SigningKeyRing ring = Fixtures.ring(algorithm);
        header = ring.header();
        signer = ring.signer();
        Providers.pin(provider, algorithm, signer);
        claims = Fixtures.claims();
        Providers.describe(provider, algorithm, signer, ring.current().privateJwk());
        Fixtures.check(algorithm + "/" + provider, sign(), ring);
    }

    @Benchmark
    public String sign() throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
