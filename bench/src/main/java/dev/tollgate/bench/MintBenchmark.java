package dev.tollgate.bench;

import com.nimbusds.jose.JOSEException;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.token.IssuedToken;
import dev.tollgate.core.token.TokenGrant;
import dev.tollgate.core.token.TokenMinter;
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

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The whole {@link TokenMinter#mint} for ES256 (claims building, a random jti, signing and
 * serialization), to set against {@link SigningBenchmark}'s ES256 rows: the difference is what
 * minting costs on top of the signature. Same provider arms as there.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Native access for ACCP's JNI library: silences the JDK 24+ warning, accepted by JDK 21 too.
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class MintBenchmark {

    @Param({"ES256"})
    public SigningAlgorithm algorithm;

    @Param({"accp", "jdk"})
    public String provider;

    private final TokenMinter minter = new TokenMinter();
    private TokenGrant grant;
    private SigningKeyRing ring;
    private Instant now;

    @Setup
    public void setUp() throws JOSEException {
        System.err.println(); // JMH has printed "Iteration 1: " without a newline when setup runs
        Providers.install(provider);
        ring = Fixtures.ring(algorithm);
        Providers.pin(provider, algorithm, ring.signer());
        grant = Fixtures.grant();
        now = Fixtures.NOW;
        Providers.describe(provider, algorithm, ring.signer(), ring.current().privateJwk());
        Fixtures.check("mint " + algorithm + "/" + provider, mint().value(), ring);
    }

    @Benchmark
    public IssuedToken mint() throws JOSEException {
        return minter.mint(grant, ring, Fixtures.ISSUER, now);
    }
}
