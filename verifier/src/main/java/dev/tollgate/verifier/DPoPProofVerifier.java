package dev.tollgate.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) for one HTTP request: at the token endpoint (no access
 * token) and at a resource server (with the access token, whose hash {@code ath} must carry).
 * Thread-safe; build one and share it.
 *
 * <pre>{@code
 * DPoPProofVerifier proofs = DPoPProofVerifier.builder()
 *         .replayCheck(DPoPReplayCheck.inMemory(Clock.systemUTC()))   // one per node; share it across nodes if you can
 *         .build();
 * switch (proofs.verify(request.headers("DPoP"), "GET", URI.create("https://api.example.com/orders"), token, null)) {
 *     case DPoPProofVerifier.Valid ok -> bindTo(ok.jkt());
 *     case DPoPProofVerifier.Invalid bad -> refuse(bad.error(), bad.description());
 * }
 * }</pre>
 *
 * <p>Built on Nimbus JOSE+JWT's parser, JWK thumbprints and signature verifiers rather than the
 * OAuth SDK's {@code DPoPTokenRequestVerifier}, for three reasons: that one compares {@code htu} as
 * an exact string where §4.3 asks for RFC 3986 normalisation (a client writing
 * {@code HTTPS://Host:443/path} is right), it reads the time from {@code new Date()} instead of an
 * injected clock, and it lives in a library this one does not otherwise need. Tests check
 * interoperability with proofs made by the SDK's {@code DefaultDPoPProofFactory}.
 *
 * <p>Order: everything that costs nothing comes before the signature, and the {@code jti} is
 * recorded last, so a proof refused for any other reason does not use it up.
 */
public final class DPoPProofVerifier {

    /** RFC 9449 §4.2 {@code typ}. */
    public static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

    /** The asymmetric algorithms a proof may use when none are configured. */
    public static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS = Set.of(
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** A proof is a header with a public key and a few claims; anything longer is not one. */
    public static final int MAX_PROOF_LENGTH = 8192;
    /** Longest {@code jti} accepted: enough for any random identifier, short enough to store. */
    public static final int MAX_JTI_LENGTH = 255;
    private static final int MIN_RSA_BITS = 2048;

    private static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** The outcome of {@link #verify}. */
    public sealed interface Result permits Valid, Invalid {
    }

    /**
     * @param jkt the RFC 7638 SHA-256 thumbprint of the proof's key, base64url: the token's {@code cnf.jkt}
     * @param jti the proof's identifier, now used up
     */
    public record Valid(String jkt, String jti) implements Result {
    }

    /**
     * @param error       {@code invalid_dpop_proof}, or {@code use_dpop_nonce} when only the server's nonce is missing
     * @param description what failed, for logs and {@code error_description}; never echoes the proof
     */
    public record Invalid(String error, String description) implements Result {
        public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";
        public static final String USE_DPOP_NONCE = "use_dpop_nonce";

        public boolean isNonceRequired() {
            return USE_DPOP_NONCE.equals(error);
        }
    }

    private final Set<JWSAlgorithm> algorithms;
    private final String algorithmList;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration clockSkew;
    private final DPoPReplayCheck replayCheck;

    private DPoPProofVerifier(Builder b) {
        Set<JWSAlgorithm> usable = new LinkedHashSet<>(b.algorithms);
        if (!TokenVerifier.TINK_PRESENT) {
            usable.removeAll(EDDSA);
        }
        this.algorithms = Set.copyOf(usable);
        this.algorithmList = usable.stream().map(JWSAlgorithm::getName).sorted().collect(Collectors.joining(" "));
        this.clock = b.clock;
        this.maxAge = b.maxAge;
        this.clockSkew = b.clockSkew;
        this.replayCheck = b.replayCheck;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The algorithms accepted, space-separated: the {@code algs} of a DPoP challenge (RFC 9449 §7.1). */
    public String algorithmList() {
        return algorithmList;
    }

    /** The accepted algorithms, for {@code dpop_signing_alg_values_supported} (RFC 9449 §5.1). */
    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    /**
     * Checks the proof of one request.
     *
     * @param headerValues every {@code DPoP} header value of the request (exactly one is allowed)
     * @param method       the request's method, e.g. {@code POST}
     * @param uri          the request's URI as the client addressed it (behind a proxy: the public URL); any
     *                     query and fragment are ignored
     * @param accessToken  at a resource server the access token presented with the proof, whose hash the
     *                     proof must carry in {@code ath}; null at the token endpoint
     * @param nonces       when the server requires nonces, whether a nonce is current; null when it does not
     */
    public Result verify(List<String> headerValues, String method, URI uri, String accessToken,
                         Predicate<String> nonces) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        if (headerValues == null || headerValues.isEmpty()) {
            return invalid("no DPoP proof");
        }
        if (headerValues.size() > 1) {
            // RFC 9449 §4.3 item 1: not more than one DPoP HTTP request header field.
            return invalid("more than one DPoP header");
        }
        String value = headerValues.get(0).strip();
        if (value.isEmpty() || value.length() > MAX_PROOF_LENGTH || !CompactJws.isCanonical(value)) {
            return invalid("DPoP proof is not a compact JWS");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(value);
        } catch (ParseException e) {
            // Also a private key in jwk: Nimbus refuses to parse such a header.
            return invalid("DPoP proof is not a JWT with a valid header");
        }
        if (!(parsed instanceof SignedJWT proof)) {
            return invalid("DPoP proof must be signed (alg none is not allowed)");
        }
        JWSHeader header = proof.getHeader();
        if (!TYPE.equals(header.getType())) {
            return invalid("DPoP proof typ must be dpop+jwt");
        }
        if (!algorithms.contains(header.getAlgorithm())) {
            return invalid("DPoP proof alg is not one of " + algorithmList);
        }
        JWK jwk = header.getJWK();
        if (jwk == null) {
            return invalid("DPoP proof has no jwk header");
        }
        if (jwk.isPrivate()) {
            // RFC 9449 §4.2: jwk is the public key; a private one is refused outright.
            return invalid("DPoP proof jwk must not contain a private key");
        }
        JWSVerifier signatureVerifier;
        try {
            signatureVerifier = verifierFor(header.getAlgorithm(), jwk);
        } catch (JOSEException e) {
            signatureVerifier = null;
        }
        if (signatureVerifier == null) {
            return invalid("DPoP proof jwk does not fit alg " + header.getAlgorithm());
        }
        try {
            if (!proof.verify(signatureVerifier)) {
                return invalid("DPoP proof signature does not verify with its jwk");
            }
        } catch (JOSEException | IllegalStateException e) {
            return invalid("DPoP proof signature does not verify with its jwk");
        }
        JWTClaimsSet claims;
        try {
            claims = proof.getJWTClaimsSet();
        } catch (ParseException e) {
            return invalid("DPoP proof claims are not a JSON object");
        }
        return checkClaims(claims, jwk, method, uri, accessToken, nonces);
    }

    private Result checkClaims(JWTClaimsSet claims, JWK jwk, String method, URI uri, String accessToken,
                               Predicate<String> nonces) {
        String jti;
        String htm;
        String htu;
        String ath;
        String nonce;
        Date iat;
        try {
            jti = claims.getStringClaim("jti");
            htm = claims.getStringClaim("htm");
            htu = claims.getStringClaim("htu");
            ath = claims.getStringClaim("ath");
            nonce = claims.getStringClaim("nonce");
            iat = claims.getDateClaim("iat");
        } catch (ParseException e) {
            return invalid("DPoP proof jti, htm, htu, ath and nonce must be strings and iat a number");
        }
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            return invalid("DPoP proof jti must have 1 to " + MAX_JTI_LENGTH + " characters");
        }
        if (!method.equals(htm)) {
            return invalid("DPoP proof htm does not match the request method");
        }
        URI expected = normalised(uri);
        URI claimed = htu == null ? null : normalised(htu);
        if (claimed == null || !claimed.equals(expected)) {
            return invalid("DPoP proof htu does not match the request URI");
        }
        if (iat == null) {
            return invalid("DPoP proof has no iat");
        }
        Instant now = clock.instant();
        Instant issuedAt = iat.toInstant();
        if (issuedAt.isBefore(now.minus(maxAge))) {
            return invalid("DPoP proof iat is too old");
        }
        if (issuedAt.isAfter(now.plus(clockSkew))) {
            return invalid("DPoP proof iat is in the future");
        }
        if (accessToken != null) {
            // RFC 9449 §4.3 item 11 / §7: ath is the base64url SHA-256 of the ASCII access token.
            if (ath == null) {
                return invalid("DPoP proof has no ath for the access token");
            }
            if (!MessageDigest.isEqual(ath.getBytes(StandardCharsets.US_ASCII),
                    accessTokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
                return invalid("DPoP proof ath does not match the access token");
            }
        }
        if (nonces != null && (nonce == null || !nonces.test(nonce))) {
            return new Invalid(Invalid.USE_DPOP_NONCE, nonce == null
                    ? "the server requires a nonce in the DPoP proof (DPoP-Nonce header)"
                    : "the DPoP proof nonce is not current; use the one in the DPoP-Nonce header");
        }
        String jkt;
        try {
            jkt = jwk.computeThumbprint().toString();
        } catch (JOSEException e) {
            return invalid("DPoP proof jwk has no thumbprint");
        }
        // A proof is accepted until iat + maxAge, so it needs remembering that long, no longer.
        Instant usableUntil = (issuedAt.isAfter(now) ? issuedAt : now).plus(maxAge);
        if (!replayCheck.firstUse(jkt, jti, usableUntil)) {
            // RFC 9449 §11.1: a proof is used once.
            return invalid("DPoP proof jti was used before");
        }
        return new Valid(jkt, jti);
    }

    /** RFC 9449 §4.3 item 9: {@code ath}'s value for {@code accessToken}. */
    public static String accessTokenHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64URL.encode(digest).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static URI normalised(String text) {
        try {
            return normalised(new URI(text));
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * RFC 9449 §4.3 item 9 with RFC 3986 §6.2.2 and §6.2.3: scheme and host compared without case,
     * the default port dropped, an empty path as {@code /}, percent-encodings in upper case with
     * unreserved characters decoded, dot segments removed, query and fragment ignored. Null for
     * anything that is not an absolute http(s) URI without user information.
     */
    static URI normalised(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return null;
        }
        int port = uri.getPort();
        if (port == 443 && scheme.equals("https") || port == 80 && scheme.equals("http")) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : percentEncodings(uri.getRawPath());
        if (path == null) {
            return null;
        }
        try {
            return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port)
                    + path).normalize();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * RFC 3986 §6.2.2.1-2: hex digits of a percent-encoding in upper case, and an encoded unreserved
     * character decoded; reserved ones stay encoded ({@code %2F} is not {@code /}). Null when malformed.
     */
    private static String percentEncodings(String rawPath) {
        StringBuilder out = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= rawPath.length()) {
                return null;
            }
            int value = Character.digit(rawPath.charAt(i + 1), 16) * 16 + Character.digit(rawPath.charAt(i + 2), 16);
            if (Character.digit(rawPath.charAt(i + 1), 16) < 0 || Character.digit(rawPath.charAt(i + 2), 16) < 0) {
                return null;
            }
            char decoded = (char) value;
            boolean unreserved = decoded >= 'A' && decoded <= 'Z' || decoded >= 'a' && decoded <= 'z'
                    || decoded >= '0' && decoded <= '9' || decoded == '-' || decoded == '.' || decoded == '_'
                    || decoded == '~';
            if (unreserved) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
                        .append(Character.toUpperCase(rawPath.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    /** A verifier for {@code alg} with {@code jwk}, or null when the key's type does not fit the algorithm. */
    private static JWSVerifier verifierFor(JWSAlgorithm alg, JWK jwk) throws JOSEException {
        if (JWSAlgorithm.Family.EC.contains(alg) && jwk instanceof ECKey ec) {
            // ECDSAVerifier accepts only the algorithm of the key's curve.
            return new ECDSAVerifier(ec);
        }
        if (JWSAlgorithm.Family.RSA.contains(alg) && jwk instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS) {
            return new RSASSAVerifier(rsa);
        }
        if (EDDSA.contains(alg) && jwk instanceof OctetKeyPair okp && TokenVerifier.TINK_PRESENT) {
            return new Ed25519Verifier(okp);
        }
        return null;
    }

    private static Invalid invalid(String description) {
        return new Invalid(Invalid.INVALID_DPOP_PROOF, description);
    }

    /** Settings of a {@link DPoPProofVerifier}; every one has a default. */
    public static final class Builder {
        private Set<JWSAlgorithm> algorithms = DEFAULT_ALGORITHMS;
        private Clock clock = Clock.systemUTC();
        private Duration maxAge = Duration.ofSeconds(60);
        private Duration clockSkew = Duration.ofSeconds(5);
        private DPoPReplayCheck replayCheck;

        private Builder() {
        }

        /** The algorithms a proof may use (default {@link #DEFAULT_ALGORITHMS}); asymmetric ones only. */
        public Builder algorithms(JWSAlgorithm... algorithms) {
            this.algorithms = Set.of(algorithms);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How old {@code iat} may be (RFC 9449 §4.3 item 11 and §11.1); default 60 seconds. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** How far ahead {@code iat} may be, for a client's clock running fast; default 5 seconds. */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        /**
         * Where proofs' {@code jti}s are recorded (RFC 9449 §11.1); default an in-memory set of this
         * process, which several nodes behind a load balancer do not share.
         */
        public Builder replayCheck(DPoPReplayCheck replayCheck) {
            this.replayCheck = replayCheck;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting that is invalid */
        public DPoPProofVerifier build() {
            if (algorithms == null || algorithms.isEmpty()
                    || !TokenVerifier.SUPPORTED_ALGORITHMS.containsAll(algorithms)) {
                throw new IllegalArgumentException("algorithms: asymmetric ones only (RFC 9449 §4.2): "
                        + TokenVerifier.SUPPORTED_ALGORITHMS);
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock: required");
            }
            if (maxAge == null || !maxAge.isPositive() || clockSkew == null || clockSkew.isNegative()) {
                throw new IllegalArgumentException("maxAge: must be positive; clockSkew: zero or more");
            }
            if (replayCheck == null) {
                replayCheck = DPoPReplayCheck.inMemory(clock);
            }
            return new DPoPProofVerifier(this);
        }
    }
}
