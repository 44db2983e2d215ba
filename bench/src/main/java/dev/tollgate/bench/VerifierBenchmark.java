package dev.tollgate.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.token.TokenMinter;
import dev.tollgate.verifier.TokenVerifier;
import dev.tollgate.verifier.Verification;
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

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a resource server pays per request to check a Tollgate access token, against the raw
 * signature check inside it. One ES256 token, minted by {@link TokenMinter} with the production
 * key ring (the same token shape as {@link MintBenchmark}):
 *
 * <ul>
 *   <li>{@link #verify}: {@link TokenVerifier#verify(String, Set)} with in-memory keys
 *       ({@code jwkSet(publicJwks)}): parse, alg and typ checks, key selection, signature, every
 *       claim check and the scope check;</li>
 *   <li>{@link #rawVerify}: Nimbus {@link ECDSAVerifier#verify} of the same signature only, header,
 *       signing input and signature parsed once in setup;</li>
 *   <li>{@link #rawParseVerify}: {@link SignedJWT#parse} plus that verify, the least any JWT library
 *       can do per token.</li>
 * </ul>
 *
 * {@code verify ÷ rawVerify} is the share of the verifier's rate that the signature alone would
 * allow; bench/jmh.sh prints it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Native access for ACCP's JNI library: silences the JDK 24+ warning, accepted by JDK 21 too.
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class VerifierBenchmark {

    private static final Set<String> REQUIRED_SCOPES = Set.of("orders:read");

    @Param({"ES256"})
    public SigningAlgorithm algorithm;

    /** {@code accp} by default, as a resource server using CryptoProviders would run; {@code -p provider=jdk} for SunEC. */
    @Param({"accp"})
    public String provider;

    private String token;
    private TokenVerifier verifier;
    private ECDSAVerifier ecdsa;
    private JWSHeader header;
    private byte[] signingInput;
    private Base64URL signature;

    @Setup
    public void setUp() throws JOSEException, ParseException {
        System.err.println(); // JMH has printed "Iteration 1: " without a newline when setup runs
        if (algorithm != SigningAlgorithm.ES256) {
            throw new IllegalArgumentException("rawVerify uses ECDSAVerifier: ES256 only, not " + algorithm);
        }
        Providers.install(provider);
        SigningKeyRing ring = Fixtures.ring(algorithm);
        token = new TokenMinter().mint(Fixtures.grant(), ring, Fixtures.ISSUER, Fixtures.NOW).value();
        Fixtures.check("verifier " + algorithm + "/" + provider, token, ring);

        JWKSet publicJwks = ring.publicJwks(Fixtures.NOW);
        verifier = TokenVerifier.builder()
                .issuer(Fixtures.ISSUER)
                .audience(Fixtures.client().audiences().get(0))
                .tenant("10001")
                .clock(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC)) // the token's own time, so it never expires
                .jwkSet(publicJwks)
                .build();
        if (!(verify() instanceof Verification.Valid)) {
            throw new IllegalStateException("TokenVerifier refuses the benchmark token: " + verify());
        }

        SignedJWT jwt = SignedJWT.parse(token);
        ecdsa = new ECDSAVerifier(publicJwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey());
        header = jwt.getHeader();
        signingInput = jwt.getSigningInput();
        signature = jwt.getSignature();
        if (!rawVerify() || !rawParseVerify()) {
            throw new IllegalStateException("ECDSAVerifier refuses the benchmark token");
        }
        System.err.println("[bench] verifier " + algorithm + "/" + provider + ": " + publicJwks.getKeys().size()
                + " published key(s), signing input " + new String(signingInput, StandardCharsets.US_ASCII).length()
                + " chars, first provider " + java.security.Security.getProviders()[0].getName());
    }

    @Benchmark
    public Verification verify() {
        return verifier.verify(token, REQUIRED_SCOPES);
    }

    @Benchmark
    public boolean rawVerify() throws JOSEException {
        return ecdsa.verify(header, signingInput, signature);
    }

    @Benchmark
    public boolean rawParseVerify() throws JOSEException, ParseException {
        return SignedJWT.parse(token).verify(ecdsa);
    }
}
