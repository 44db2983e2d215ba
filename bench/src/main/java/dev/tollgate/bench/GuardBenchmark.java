package dev.tollgate.bench;

import dev.tollgate.core.abuse.ClientAuthenticationGuard;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Attempt;
import dev.tollgate.core.abuse.ClientAuthenticationGuard.Verdict;
import dev.tollgate.core.token.TokenRefusal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ClientAuthenticationGuard} adds to one token request, in nanoseconds, to set against
 * a token's ~55 µs on one core: a successful request (one cache read of the address's count, which
 * a clean address does not have), and a throttled attacker's failure (the read, a count update and
 * the 429 verdict). The address is a fresh String per call, as
 * {@code InetAddress.getHostAddress()} makes one per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class GuardBenchmark {

    private static final char[] DEPLOYMENT = "10.20.30.40".toCharArray();
    private static final char[] ATTACKER = "203.0.113.7".toCharArray();
    private static final TokenRefusal WRONG_SECRET = TokenRefusal.invalidClient(TokenRefusal.Reason.WRONG_SECRET);

    private ClientAuthenticationGuard guard;

    @Setup
    public void setUp() {
        guard = new ClientAuthenticationGuard(ClientAuthenticationGuard.Settings.DEFAULTS, Clock.systemUTC());
        for (int i = 0; i < 400; i++) {
            guard.recordOutcome(guard.check(new String(ATTACKER)), WRONG_SECRET);
        }
        if (guard.check(new String(DEPLOYMENT)).throttled() || !guard.check(new String(ATTACKER)).throttled()) {
            throw new IllegalStateException("fixture: the deployment must be clean and the attacker throttled");
        }
    }

    /** check + recordOutcome of a successful request: the token path's cost. */
    @Benchmark
    public Verdict success() {
        Attempt attempt = guard.check(new String(DEPLOYMENT));
        return guard.recordOutcome(attempt, null);
    }

    /** check + recordOutcome of an attacker's failure that is throttled (the server then writes a 429). */
    @Benchmark
    public Verdict throttledAttacker() {
        Attempt attempt = guard.check(new String(ATTACKER));
        return guard.recordOutcome(attempt, WRONG_SECRET);
    }
}
