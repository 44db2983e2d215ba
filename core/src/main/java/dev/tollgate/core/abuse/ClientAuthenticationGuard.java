package dev.tollgate.core.abuse;

import dev.tollgate.core.store.FailureCountRepository;
import dev.tollgate.core.token.TokenRefusal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Brute-force limits on client authentication (token, introspection and revocation endpoints).
 * The secret is always checked first: a correct secret is never refused, from any address, so
 * knowing a client id (it is in every token the client holds) is not enough to lock the client
 * out. What the guard limits is the answer to a <em>failure</em>: a source address that keeps
 * failing gets {@code 429} with {@code Retry-After} instead of {@code 401}, and its refused
 * failures cost no audit write.
 *
 * <p>Why check before refusing: a generated secret has 256 bits and is checked with one HMAC
 * (about a microsecond), so refusing unchecked protects no secret and saves no real work, while it
 * hands anyone who knows a client id a way to lock that client out (issue 11). Answering a
 * throttled address's right secret with a token and its wrong one with 429 tells it no more than
 * 200 against 401 tells an address that is not throttled, and the time taken is the same either
 * way (the same HMAC runs).
 *
 * <ul>
 *   <li><b>per source address</b>: failures from one source, any client id. IPv6 sources count per
 *       /64, the block one host usually controls. Not cleared by a success: an attacker holding one
 *       valid credential must not reset its address's count with it.</li>
 *   <li><b>per client</b>: not limited here. Failures per client are counted by the server's
 *       metrics ({@code tollgate_client_authentication_failures_total}), for alerts: a count that
 *       refused would be a lockout switch for anyone who knows the id.</li>
 * </ul>
 *
 * <p>Only {@code invalid_client} outcomes are failures (wrong secret, unknown or malformed client
 * id, disabled client, method not allowed); an authenticated request refused for its scope or
 * audience is not.
 *
 * <pre>{@code
 * ClientAuthenticationGuard.Attempt attempt = guard.check(remoteAddress);
 * TokenService.Authentication result = tokens.authenticate(tenant, presented, false);
 * ClientAuthenticationGuard.Verdict verdict = guard.recordOutcome(attempt, result.refusal());
 * if (verdict.throttled()) {
 *     return tooManyRequests(verdict.retryAfter());   // a failure from an address that keeps failing
 * }
 * }</pre>
 */
public final class ClientAuthenticationGuard {

    /** Which limit throttled a failure; one today, kept as a type for the metrics tag. */
    public enum Limit {
        /** Too many failures from the source address, whatever the client ids. */
        ADDRESS
    }

    /** @param perAddress failures from one source address */
    public record Settings(FailureLimiter.Settings perAddress) {

        /**
         * Per address: 100 free failures, then 1 s doubling to 60 s, and after 300 nothing but 429
         * for a failure for 15 minutes. An address is shared by every client behind it (a NAT, a
         * Kubernetes node), so the free count is generous; against 256-bit generated secrets the
         * limit bounds cost (an audit write per answered failure) and tells a misconfigured or
         * hostile caller to back off; the odds of a guess are nil either way.
         */
        public static final Settings DEFAULTS = new Settings(
                new FailureLimiter.Settings(100, Duration.ofSeconds(1), Duration.ofSeconds(60), 300,
                        Duration.ofMinutes(15), 100_000));

        public Settings {
            Objects.requireNonNull(perAddress, "perAddress");
        }
    }

    /** One request's source and its standing before its secret was checked, from {@link #check}. */
    public static final class Attempt {

        private final String source;
        private final Duration throttledFor;

        private Attempt(String source, Duration throttledFor) {
            this.source = source;
            this.throttledFor = throttledFor;
        }

        /** Whether a failure of this attempt is answered 429: the address was over its limit. */
        public boolean throttled() {
            return !throttledFor.isZero();
        }
    }

    /**
     * What to answer, from {@link #recordOutcome}: {@code throttled} means a failure from an
     * address over its limit, answered 429 with {@code retryAfter}; otherwise the outcome as is.
     */
    public record Verdict(Limit throttledBy, Duration retryAfter) {

        static final Verdict AS_IS = new Verdict(null, Duration.ZERO);

        public boolean throttled() {
            return throttledBy != null;
        }

        /** The delay in whole seconds, rounded up, at least 1: what an HTTP {@code Retry-After} says. */
        public long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }
    }

    private final Settings settings;
    private final FailureLimiter byAddress;
    /** Null when this node counts alone. */
    private final SharedFailureCounts shared;

    public ClientAuthenticationGuard(Settings settings, Clock clock) {
        this(settings, clock, FailureCountRepository.NONE);
    }

    /**
     * @param cluster where the nodes of one store add up their per-address failures
     *                ({@link #shareFailures}); {@link FailureCountRepository#NONE}: this node counts alone
     */
    public ClientAuthenticationGuard(Settings settings, Clock clock, FailureCountRepository cluster) {
        this.settings = Objects.requireNonNull(settings, "settings");
        boolean sharing = Objects.requireNonNull(cluster, "cluster") != FailureCountRepository.NONE;
        this.byAddress = new FailureLimiter(settings.perAddress(), Objects.requireNonNull(clock, "clock"), sharing);
        this.shared = sharing ? new SharedFailureCounts(cluster, byAddress, clock) : null;
    }

    /**
     * Adds this node's new failures to the cluster's counts and takes the cluster's back (see
     * {@link SharedFailureCounts#flush}); call it on a timer, never on a request. Does nothing when
     * this node counts alone.
     */
    public void shareFailures() {
        if (shared != null) {
            shared.flush();
        }
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The standing of a request's source; ask before the secret is checked (so concurrent
     * failures from the same address do not change this request's answer), then check the secret.
     *
     * @param address the request's source address, as {@link InetAddress#getHostAddress()} writes it
     */
    public Attempt check(String address) {
        String source = sourceKey(address);
        FailureLimiter.Decision decision = byAddress.check(source);
        return new Attempt(source, decision.retryAfter());
    }

    /**
     * Records what authentication decided and says how to answer: {@code invalid_client} is a
     * failure, counted against the address, and throttled when the address was over its limit;
     * anything else (issued, refused for scope or audience, unknown tenant) is answered as it is.
     *
     * @param refusal null when the request was served
     */
    public Verdict recordOutcome(Attempt attempt, TokenRefusal refusal) {
        if (refusal == null || !refusal.isAuthenticationFailure()) {
            return Verdict.AS_IS;
        }
        if (attempt.throttled()) {
            // Not counted: the wait it is told runs from the last answered failure, so waiting as
            // told gets an answer, while failing during the wait gets nothing but 429.
            return new Verdict(Limit.ADDRESS, attempt.throttledFor);
        }
        byAddress.recordFailure(attempt.source);
        return Verdict.AS_IS;
    }

    /**
     * What counts as one source: an IPv4 address, or the /64 of an IPv6 address (RFC 4291 §2.5.4:
     * the low 64 bits are the interface id, which one host can change at will, RFC 8981).
     */
    public static String sourceKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address == null ? "" : address;
        }
        try {
            // A literal with a colon is never resolved through DNS.
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        } catch (UnknownHostException | SecurityException e) {
            return address;
        }
    }
}
