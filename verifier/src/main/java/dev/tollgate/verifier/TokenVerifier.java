package dev.tollgate.verifier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a Tollgate access token the way RFC 9068 §4 and RFC 8725 ask a resource server to: the
 * signature against the tenant's published keys with the algorithms pinned here, {@code typ}
 * {@code at+jwt}, {@code iss}, {@code aud}, {@code exp} and {@code nbf} within a clock skew, the
 * tenant, and the scopes the request needs. Thread-safe; build one per tenant and share it.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *         .issuer("https://auth.example.com/t/10001")                         // exact match
 *         .jwksUri(URI.create("https://auth.example.com/t/10001/oauth2/jwks"))
 *         .audience("https://api.example.com")                                // must be in aud
 *         .algorithms(JWSAlgorithm.ES256)                                     // the default
 *         .clockSkew(Duration.ofSeconds(60))                                  // the default
 *         .tenant("10001")                                                    // customer_id must equal it
 *         .build();
 *
 * switch (verifier.verify(bearerToken, Set.of("users:read"))) {
 *     case Verification.Valid ok -> serve(ok.principal().clientId(), ok.principal().scopes());
 *     case Verification.Invalid bad -> {
 *         response.status(bad.reason().httpStatus());                         // 401, 403 (scope), 503
 *         response.header("WWW-Authenticate", bad.wwwAuthenticate("users-api"));
 *     }
 * }
 * }</pre>
 *
 * <p>Keys: the JWKS is cached ({@link Builder#jwksCacheTtl}, 5 minutes by default). A token whose
 * {@code kid} is not in the cache triggers one refetch, so a rotation is picked up without a
 * restart; refetches are rate-limited ({@link Builder#jwksRefreshRateLimit}: at most two per 30
 * seconds by default), so a flood of tokens with made-up {@code kid}s does not become a flood of
 * requests to the issuer.
 *
 * <p>Order of checks: the signature comes before any claim is trusted. Algorithms are pinned
 * (never {@code none}, never HMAC: RFC 8725 §3.1), and the key for a header is chosen by its type
 * matching the algorithm's family, so a public key can never be used as an HMAC secret.
 */
public final class TokenVerifier {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

    /** The asymmetric algorithms this version can check; no HMAC, no {@code none}. */
    public static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /**
     * Nimbus verifies Ed25519 with Tink, an optional dependency of this library: an API that does
     * not take EdDSA tokens need not carry it, and one that does is told what is missing.
     */
    static final boolean TINK_PRESENT = isPresent("com.google.crypto.tink.subtle.Ed25519Verify");

    static final String EDDSA_NEEDS_TINK = "EdDSA needs com.google.crypto.tink:tink on the classpath";

    // RFC 9068 §2.1 / §4: "at+jwt", or its full media type.
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> ACCESS_TOKEN_TYPE =
            new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"));

    private static final List<String> REQUIRED_CLAIMS =
            List.of("iss", "exp", "aud", "sub", "client_id", "iat", "jti", "customer_id");

    private final String issuer;
    private final Set<String> audiences;
    private final Set<JWSAlgorithm> algorithms;
    private final Duration clockSkew;
    private final Clock clock;
    private final String tenant;
    private final JwksKeys keys;
    private final RevocationCheck revocationCheck;
    private final DPoPProofVerifier dpopProofs;
    private final DPoPNonceSource dpopNonces;
    private final VerifierCache verifiers = new VerifierCache();

    private TokenVerifier(Builder b, JwksKeys keys) {
        this.issuer = b.issuer;
        this.audiences = Set.copyOf(b.audiences);
        this.algorithms = Set.copyOf(b.algorithms);
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.tenant = b.tenant;
        this.keys = keys;
        this.revocationCheck = b.revocationCheck;
        this.dpopProofs = b.dpopProofs;
        this.dpopNonces = b.dpopNonces;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@link #verify(String, Set)} for a request that needs no particular scope. */
    public Verification verify(String token) {
        return verify(token, Set.of());
    }

    /**
     * Checks {@code token} (the bearer value, without {@code "Bearer "}) and that it grants every
     * one of {@code requiredScopes}. Never throws for a bad token. A DPoP-bound token (one with
     * {@code cnf.jkt}) is refused here: RFC 9449 §7.2 does not let it be used as a bearer token;
     * see {@link #verifyDPoP}. A certificate-bound token (one with {@code cnf.x5t#S256}) is refused
     * too: its presenter must show the certificate, see {@link #verify(String, Set, X509Certificate)}.
     */
    public Verification verify(String token, Set<String> requiredScopes) {
        return verify(token, requiredScopes, null);
    }

    /**
     * Checks {@code token} as {@link #verify(String, Set)} does, for a request that came with the
     * TLS client certificate {@code clientCertificate} (from the TLS session, or from a header set by
     * a trusted TLS-terminating proxy). A token bound to a certificate (RFC 8705 §3:
     * {@code cnf.x5t#S256}) is valid only when that is the certificate presented; an unbound token
     * is checked as usual, whatever certificate came along. A DPoP-bound token is refused here as in
     * {@link #verify(String, Set)}.
     *
     * <pre>{@code
     * X509Certificate[] chain = (X509Certificate[]) servletRequest.getAttribute("jakarta.servlet.request.X509Certificate");
     * Verification v = verifier.verify(token, Set.of("orders:read"), chain == null ? null : chain[0]);
     * }</pre>
     *
     * @param clientCertificate the client's certificate (the chain's leaf), or null when none was presented
     */
    public Verification verify(String token, Set<String> requiredScopes, X509Certificate clientCertificate) {
        Verification verification = verifyToken(token, requiredScopes, clientCertificate);
        if (verification instanceof Verification.Valid valid && boundKey(valid.principal()) != null) {
            return dpopInvalid(Reason.DPOP_BOUND_TOKEN,
                    "token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof", requiredScopes, null);
        }
        return verification;
    }

    /**
     * Checks a request made with a DPoP-bound token (RFC 9449 §7): {@code Authorization: DPoP <token>}
     * and exactly one {@code DPoP} proof signed by the key the token names in {@code cnf.jkt}, for
     * this method and URI, carrying the token's hash in {@code ath} (and the current nonce when
     * {@link Builder#dpopNonces} requires one). Refusals carry a {@code DPoP} challenge with the
     * accepted {@code algs} (§7.1), and for {@code use_dpop_nonce} the nonce to send
     * ({@link Verification.Invalid#dpopNonce()}, for the {@code DPoP-Nonce} header).
     *
     * <pre>{@code
     * Verification v = verifier.verifyDPoP(token, request.headers("DPoP"), "GET",
     *         URI.create("https://api.example.com" + request.path()), Set.of("orders:read"));
     * }</pre>
     *
     * @param proofs every {@code DPoP} header value of the request
     * @param uri    the URI the client addressed (behind a proxy: the public URL); query ignored
     * @throws IllegalStateException when the verifier was built without {@link Builder#dpop}
     */
    public Verification verifyDPoP(String token, List<String> proofs, String method, URI uri,
                                   Set<String> requiredScopes) {
        return verifyDPoP(token, proofs, method, uri, requiredScopes, null);
    }

    /**
     * {@link #verifyDPoP(String, List, String, URI, Set)} for a request that came with a TLS client
     * certificate: a token bound to both a DPoP key and a certificate ({@code cnf} with {@code jkt}
     * and {@code x5t#S256}, RFC 8705 §3) is valid only with its proof and its certificate.
     *
     * @param clientCertificate the client's certificate (the chain's leaf), or null when none was presented
     */
    public Verification verifyDPoP(String token, List<String> proofs, String method, URI uri,
                                   Set<String> requiredScopes, X509Certificate clientCertificate) {
        if (dpopProofs == null) {
            throw new IllegalStateException("this verifier accepts no DPoP tokens; configure Builder.dpop");
        }
        Verification verification = verifyToken(token, requiredScopes, clientCertificate);
        if (!(verification instanceof Verification.Valid valid)) {
            Verification.Invalid invalid = (Verification.Invalid) verification;
            return invalid.reason() == Reason.KEYS_UNAVAILABLE ? invalid
                    : dpopInvalid(invalid.reason(), invalid.description(), requiredScopes, null);
        }
        String jkt = boundKey(valid.principal());
        if (jkt == null) {
            // RFC 9449 §7.1: the DPoP scheme is for DPoP-bound tokens.
            return dpopInvalid(Reason.DPOP_BOUND_TOKEN, "token is not DPoP-bound; send it as Bearer", requiredScopes,
                    null);
        }
        String nonce = dpopNonces == null ? null : dpopNonces.current();
        DPoPNonceSource source = dpopNonces;
        DPoPProofVerifier.Result proof = dpopProofs.verify(proofs, method, uri, token,
                nonce == null ? null : presented -> source.isValid(presented));
        return switch (proof) {
            case DPoPProofVerifier.Invalid bad -> dpopInvalid(bad.isNonceRequired() ? Reason.USE_DPOP_NONCE
                    : Reason.INVALID_DPOP_PROOF, bad.description(), requiredScopes, bad.isNonceRequired() ? nonce : null);
            case DPoPProofVerifier.Valid ok -> ok.jkt().equals(jkt) ? verification
                    // RFC 9449 §7.1 example: the proof's key is not the token's.
                    : dpopInvalid(Reason.DPOP_BOUND_TOKEN, "DPoP proof key does not match the token's cnf.jkt",
                    requiredScopes, null);
        };
    }

    /**
     * Dispatches on the {@code Authorization} header's scheme: {@code Bearer} to {@link #verify},
     * {@code DPoP} to {@link #verifyDPoP} (when this verifier accepts DPoP). Scheme names are
     * case-insensitive (RFC 9110 §11.1).
     *
     * @param authorization the {@code Authorization} header value, null when there was none
     */
    public Verification verifyRequest(String authorization, List<String> proofs, String method, URI uri,
                                      Set<String> requiredScopes) {
        String value = authorization == null ? "" : authorization.strip();
        if (value.regionMatches(true, 0, "DPoP ", 0, 5) && dpopProofs != null) {
            return verifyDPoP(value.substring(5).strip(), proofs, method, uri, requiredScopes);
        }
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return verify(value.substring(7).strip(), requiredScopes);
        }
        return dpopProofs == null ? invalid(Reason.MALFORMED, "no token", requiredScopes)
                : dpopInvalid(Reason.MALFORMED, "no token", requiredScopes, null);
    }

    /** Whether this verifier accepts DPoP-bound tokens ({@link Builder#dpop}). */
    public boolean acceptsDPoP() {
        return dpopProofs != null;
    }

    /** {@code cnf.jkt} of a valid token, null when it has none (RFC 9449 §6.1). */
    private static String boundKey(Principal principal) {
        if (principal.claims().get("cnf") instanceof java.util.Map<?, ?> cnf && cnf.get("jkt") instanceof String jkt) {
            return jkt;
        }
        return null;
    }

    /** A refusal with a DPoP challenge when this verifier accepts DPoP, else a plain bearer one. */
    private Verification dpopInvalid(Reason reason, String description, Set<String> requiredScopes, String nonce) {
        Verification.DPoPChallenge challenge = dpopProofs == null ? null
                : new Verification.DPoPChallenge(dpopProofs.algorithmList(), nonce);
        return new Verification.Invalid(reason, description, requiredScopes, challenge);
    }

    private Verification verifyToken(String token, Set<String> requiredScopes, X509Certificate clientCertificate) {
        Objects.requireNonNull(requiredScopes, "requiredScopes");
        if (token == null || token.isBlank()) {
            return invalid(Reason.MALFORMED, "no token", requiredScopes);
        }
        if (!CompactJws.isCanonical(token)) {
            return invalid(Reason.MALFORMED, "token is not a compact JWS of canonical base64url", requiredScopes);
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            return invalid(Reason.MALFORMED, "token is not a JWT", requiredScopes);
        }
        if (parsed instanceof PlainJWT) {
            // RFC 8725 §3.1: an unsigned token is never acceptable.
            return invalid(Reason.ALGORITHM_NOT_ALLOWED, "alg none is not allowed", requiredScopes);
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            return invalid(Reason.MALFORMED, "token is not a signed JWT", requiredScopes);
        }
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            return invalid(Reason.ALGORITHM_NOT_ALLOWED, "alg " + header.getAlgorithm() + " is not allowed",
                    requiredScopes);
        }
        if (EDDSA.contains(header.getAlgorithm()) && !TINK_PRESENT) {
            return invalid(Reason.ALGORITHM_NOT_ALLOWED, "alg " + header.getAlgorithm() + ": " + EDDSA_NEEDS_TINK,
                    requiredScopes);
        }
        try {
            ACCESS_TOKEN_TYPE.verify(header.getType(), null);
        } catch (BadJOSEException e) {
            return invalid(Reason.WRONG_TYPE, "typ must be at+jwt", requiredScopes);
        }

        Verification signature = checkSignature(jwt, requiredScopes);
        if (signature != null) {
            return signature;
        }

        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return invalid(Reason.MALFORMED, "claims are not a JSON object", requiredScopes);
        }
        return checkClaims(claims, requiredScopes, clientCertificate);
    }

    /** Null when a published key verifies the signature; the refusal otherwise. */
    private Verification checkSignature(SignedJWT jwt, Set<String> requiredScopes) {
        // forJWSHeader matches kid, and a key type (and EC curve) that fits alg: an HS256 header
        // would need an "oct" key, which a JWKS of public keys never yields.
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
        List<JWK> candidates;
        try {
            candidates = keys.select(selector);
        } catch (RateLimitReachedException e) {
            log.debug("kid {} unknown and the JWKS was refetched too recently to try again",
                    jwt.getHeader().getKeyID());
            return invalid(Reason.UNKNOWN_KEY, "no published key matches the token", requiredScopes);
        } catch (KeySourceException e) {
            log.warn("JWKS unavailable: {}", e.getMessage());
            return invalid(Reason.KEYS_UNAVAILABLE, "signing keys unavailable", requiredScopes);
        }
        if (candidates.isEmpty()) {
            return invalid(Reason.UNKNOWN_KEY, "no published key matches the token", requiredScopes);
        }
        for (JWK key : candidates) {
            try {
                JWSVerifier verifier = verifiers.get(key);
                if (verifier != null && jwt.verify(verifier)) {
                    return null;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A key that cannot check this header (wrong curve, unusable JWK): try the next.
                log.debug("key {} cannot verify the token: {}", key.getKeyID(), e.getMessage());
            }
        }
        return invalid(Reason.BAD_SIGNATURE, "signature does not verify", requiredScopes);
    }

    /**
     * Verifiers by key: building an ECDSAVerifier converts the JWK into a java.security key each
     * time, which cost about a third of a verification (bench/ VerifierBenchmark). Keys only come
     * from the JWKS, so the map holds a handful of entries; it is dropped when it grows past that.
     */
    private static final class VerifierCache {
        private static final int MAX_KEYS = 64;
        private final java.util.concurrent.ConcurrentHashMap<JWK, JWSVerifier> byKey =
                new java.util.concurrent.ConcurrentHashMap<>();

        JWSVerifier get(JWK key) throws JOSEException {
            JWSVerifier cached = byKey.get(key);
            if (cached != null) {
                return cached;
            }
            JWSVerifier created = verifierFor(key);
            if (created != null) {
                if (byKey.size() >= MAX_KEYS) {
                    byKey.clear();
                }
                byKey.put(key, created);
            }
            return created;
        }
    }

    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        return switch (key) {
            case ECKey ec -> new ECDSAVerifier(ec);
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            // Nimbus's JWSVerificationKeySelector skips OKP keys (no java.security.Key form), so
            // EdDSA is checked here directly.
            case OctetKeyPair okp when TINK_PRESENT -> new Ed25519Verifier(okp.toPublicJWK());
            default -> null;
        };
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, TokenVerifier.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private Verification checkClaims(JWTClaimsSet claims, Set<String> requiredScopes,
                                     X509Certificate clientCertificate) {
        Instant now = clock.instant();
        // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are required; Tollgate adds customer_id.
        for (String name : REQUIRED_CLAIMS) {
            Object value = claims.getClaim(name);
            if (value == null || value instanceof String text && text.isBlank()) {
                return invalid(Reason.MISSING_CLAIM, name + " is missing", requiredScopes);
            }
        }
        String iss;
        String clientId;
        String jti;
        String customerId;
        try {
            iss = claims.getStringClaim("iss");
            clientId = claims.getStringClaim("client_id");
            jti = claims.getStringClaim("jti");
            customerId = claims.getStringClaim("customer_id");
        } catch (ParseException e) {
            return invalid(Reason.MISSING_CLAIM, "iss, client_id, jti and customer_id must be strings", requiredScopes);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || claims.getIssueTime() == null) {
            return invalid(Reason.MISSING_CLAIM, "exp and iat must be NumericDates", requiredScopes);
        }
        if (!issuer.equals(iss)) {
            return invalid(Reason.WRONG_ISSUER, "iss is not the expected issuer", requiredScopes);
        }
        List<String> aud = claims.getAudience();
        if (aud.stream().noneMatch(audiences::contains)) {
            return invalid(Reason.WRONG_AUDIENCE, "aud does not name this resource server", requiredScopes);
        }
        // Same boundaries as Spring Security's JwtTimestampValidator, so the two agree to the second.
        Instant expiresAt = exp.toInstant();
        if (now.minus(clockSkew).isAfter(expiresAt)) {
            return invalid(Reason.EXPIRED, "token expired", requiredScopes);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
            return invalid(Reason.NOT_YET_VALID, "token not valid yet", requiredScopes);
        }
        if (tenant != null && !tenant.equals(customerId)) {
            return invalid(Reason.WRONG_TENANT, "token is of another tenant", requiredScopes);
        }
        Set<String> scopes;
        List<String> authorities;
        try {
            scopes = new LinkedHashSet<>(strings(claims.getClaim("scope"), true));
            authorities = strings(claims.getClaim("authorities"), false);
        } catch (IllegalArgumentException e) {
            return invalid(Reason.MISSING_CLAIM, e.getMessage(), requiredScopes);
        }
        Principal principal = new Principal(clientId, customerId, scopes, authorities, aud, jti, expiresAt,
                claims.toJSONObject());
        // Before the scope, as revocation: a stolen bound token gets a 401, whatever scope it carries.
        Verification binding = checkCertificateBinding(claims, clientCertificate, requiredScopes);
        if (binding != null) {
            return binding;
        }
        // Before the scope: a revoked token is a 401, never a 403 inviting a retry with more scope.
        if (revocationCheck != null && revocationCheck.isRevoked(principal)) {
            return invalid(Reason.REVOKED, "token revoked", requiredScopes);
        }
        if (!scopes.containsAll(requiredScopes)) {
            return invalid(Reason.INSUFFICIENT_SCOPE, "token lacks a required scope", requiredScopes);
        }
        return new Verification.Valid(principal);
    }

    /**
     * RFC 8705 §3.1: a token whose {@code cnf} carries {@code x5t#S256} is only good with the
     * certificate whose SHA-256 thumbprint that is. Null when the token is unbound or the
     * certificate matches; the refusal otherwise.
     */
    private static Verification checkCertificateBinding(JWTClaimsSet claims, X509Certificate certificate,
                                                        Set<String> requiredScopes) {
        Object cnf = claims.getClaim("cnf");
        if (cnf == null) {
            return null;
        }
        if (!(cnf instanceof java.util.Map<?, ?> confirmation)) {
            return invalid(Reason.CERTIFICATE_BOUND_TOKEN, "cnf is not a JSON object", requiredScopes);
        }
        Object bound = confirmation.get("x5t#S256");
        if (bound == null) {
            return null;
        }
        if (certificate == null) {
            return invalid(Reason.CERTIFICATE_BOUND_TOKEN,
                    "token is bound to a TLS client certificate; present that certificate", requiredScopes);
        }
        if (!(bound instanceof String thumbprint)
                || !thumbprint.equals(X509CertUtils.computeSHA256Thumbprint(certificate).toString())) {
            return invalid(Reason.CERTIFICATE_BOUND_TOKEN,
                    "token is bound to another TLS client certificate", requiredScopes);
        }
        return null;
    }

    /** RFC 9068 §2.2.3: scope is space-delimited; the legacy profile sent a JSON array. Absent means none. */
    private static List<String> strings(Object value, boolean isScope) {
        String name = isScope ? "scope" : "authorities";
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text && isScope) {
            return Arrays.stream(text.split(" ")).filter(s -> !s.isEmpty()).toList();
        }
        if (value instanceof Collection<?> items) {
            List<String> out = new ArrayList<>(items.size());
            for (Object item : items) {
                if (!(item instanceof String s)) {
                    throw new IllegalArgumentException(name + " holds a value that is not a string");
                }
                out.add(s);
            }
            return out;
        }
        throw new IllegalArgumentException(name + " is neither " + (isScope ? "a string nor " : "") + "an array");
    }

    private static Verification invalid(Reason reason, String description, Set<String> requiredScopes) {
        return new Verification.Invalid(reason, description, requiredScopes);
    }

    /**
     * Configuration, validated by {@link #build()} with errors that name the setting. Required:
     * {@link #issuer}, at least one {@link #audience}, and one source of keys ({@link #jwksUri},
     * {@link #jwkSet} or {@link #jwkSetSource}).
     */
    public static final class Builder {
        private String issuer;
        private final Set<String> audiences = new LinkedHashSet<>();
        private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.ES256);
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private String tenant;
        private URI jwksUri;
        private JWKSet jwkSet;
        private JWKSetSource<SecurityContext> jwkSetSource;
        private Duration jwksCacheTtl = Duration.ofMillis(JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE);
        private Duration jwksRefreshRateLimit = Duration.ofMillis(JWKSourceBuilder.DEFAULT_RATE_LIMIT_MIN_INTERVAL);
        // Nimbus's 500 ms refused the first fetch of an API that was busy starting up (and failed
        // JwksRefreshTest on a loaded machine); 2 s still bounds a request that needs the keys.
        private Duration jwksFetchTimeout = Duration.ofSeconds(2);
        private RevocationCheck revocationCheck;
        private DPoPProofVerifier dpopProofs;
        private DPoPNonceSource dpopNonces;

        private Builder() {
        }

        /**
         * Accept DPoP-bound tokens (RFC 9449 §7) with proofs checked by {@code proofs}; without it,
         * {@link #verifyDPoP} is not available and bound tokens are refused.
         */
        public Builder dpop(DPoPProofVerifier proofs) {
            this.dpopProofs = proofs;
            return this;
        }

        /** Require a server nonce in DPoP proofs (RFC 9449 §9) whenever {@code nonces} has a current one. */
        public Builder dpopNonces(DPoPNonceSource nonces) {
            this.dpopNonces = nonces;
            return this;
        }

        /** The expected {@code iss}, compared exactly (RFC 9068 §4 step 2), e.g. {@code https://auth.example.com/t/10001}. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** An audience this resource server answers to; {@code aud} must contain one of them (RFC 9068 §4 step 3). */
        public Builder audience(String... audiences) {
            this.audiences.addAll(List.of(audiences));
            return this;
        }

        /**
         * The algorithms the tenant signs with (default ES256); any other {@code alg} is refused.
         * EdDSA needs {@code com.google.crypto.tink:tink} on the classpath (an optional dependency);
         * without it EdDSA tokens are refused with {@link Reason#ALGORITHM_NOT_ALLOWED}.
         */
        public Builder algorithms(JWSAlgorithm... algorithms) {
            this.algorithms = new LinkedHashSet<>(List.of(algorithms));
            return this;
        }

        /** Allowance for clocks apart on {@code exp} and {@code nbf}; default 60 seconds. */
        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        /** Where time comes from: for expiry, and for the JWKS cache and its rate limit. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** When set, {@code customer_id} must equal it. */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** The tenant's JWKS, fetched over HTTP(S), cached and refreshed on an unknown {@code kid}. */
        public Builder jwksUri(URI jwksUri) {
            this.jwksUri = jwksUri;
            return this;
        }

        /** Fixed keys, never refreshed: for tests, or keys distributed out of band. */
        public Builder jwkSet(JWKSet jwkSet) {
            this.jwkSet = jwkSet;
            return this;
        }

        /** Keys from another origin; cached and rate-limited exactly as a {@link #jwksUri} is. */
        public Builder jwkSetSource(JWKSetSource<SecurityContext> jwkSetSource) {
            this.jwkSetSource = jwkSetSource;
            return this;
        }

        /** How long a fetched JWKS is used before it is fetched again; default 5 minutes. */
        public Builder jwksCacheTtl(Duration ttl) {
            this.jwksCacheTtl = ttl;
            return this;
        }

        /** Minimum interval per two refetches caused by unknown {@code kid}s; default 30 seconds. */
        public Builder jwksRefreshRateLimit(Duration interval) {
            this.jwksRefreshRateLimit = interval;
            return this;
        }

        /** Connect and read timeout of each JWKS fetch from {@link #jwksUri}; default 2 seconds. */
        public Builder jwksFetchTimeout(Duration timeout) {
            this.jwksFetchTimeout = timeout;
            return this;
        }

        /** Optional: also refuse tokens this check reports revoked ({@link Reason#REVOKED}). */
        public Builder revocationCheck(RevocationCheck check) {
            this.revocationCheck = check;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting that is missing or invalid */
        public TokenVerifier build() {
            require(issuer != null && !issuer.isBlank(), "issuer: required");
            require(!audiences.isEmpty(), "audience: at least one is required (RFC 9068 §4)");
            require(audiences.stream().allMatch(a -> a != null && !a.isBlank()), "audience: blank");
            require(algorithms != null && !algorithms.isEmpty(), "algorithms: at least one is required");
            for (JWSAlgorithm alg : algorithms) {
                require(alg != null && SUPPORTED_ALGORITHMS.contains(alg), "algorithms: " + alg
                        + " is not allowed; only asymmetric ones are (RFC 8725 §3.1): " + SUPPORTED_ALGORITHMS);
            }
            require(clockSkew != null && !clockSkew.isNegative(), "clockSkew: must be zero or more");
            require(clock != null, "clock: required");
            require(tenant == null || !tenant.isBlank(), "tenant: blank");
            int sources = (jwksUri != null ? 1 : 0) + (jwkSet != null ? 1 : 0) + (jwkSetSource != null ? 1 : 0);
            require(sources == 1, "jwksUri, jwkSet, jwkSetSource: exactly one is required");
            require(jwksCacheTtl != null && jwksCacheTtl.isPositive(), "jwksCacheTtl: must be positive");
            require(jwksFetchTimeout != null && jwksFetchTimeout.isPositive()
                    && jwksFetchTimeout.toMillis() <= Integer.MAX_VALUE, "jwksFetchTimeout: must be positive");
            require(jwksRefreshRateLimit != null && jwksRefreshRateLimit.isPositive(),
                    "jwksRefreshRateLimit: must be positive");
            require(jwksRefreshRateLimit.compareTo(jwksCacheTtl) <= 0, "jwksRefreshRateLimit: longer than jwksCacheTtl");
            JwksKeys keys;
            if (jwkSet != null) {
                keys = JwksKeys.fixed(jwkSet.toPublicJWKSet(), clock);
            } else if (jwkSetSource != null) {
                keys = JwksKeys.cached(jwkSetSource, jwksCacheTtl, jwksRefreshRateLimit, clock);
            } else {
                require(jwksUri.getScheme() != null && jwksUri.getScheme().matches("https?"),
                        "jwksUri: must be http or https");
                keys = JwksKeys.fetched(jwksUri, jwksCacheTtl, jwksRefreshRateLimit, jwksFetchTimeout, clock);
            }
            if (!TINK_PRESENT && algorithms.stream().anyMatch(EDDSA::contains)) {
                // Not an error: the algorithms may list EdDSA for a rotation still to come.
                log.warn("{}: EdDSA tokens will be refused", EDDSA_NEEDS_TINK);
            }
            return new TokenVerifier(this, keys);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
