package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeyAlgorithms;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.store.ReplayRepository;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * RFC 7523 §3 for client authentication (§2.2, {@code private_key_jwt}; OIDC Core §9): the checks a
 * client assertion passes before it proves the client, in an order that costs an attacker most and
 * the server least: shape and algorithm, claims, key, signature, and only then the jti's single use
 * (a store write, so unsigned junk never reaches the store).
 *
 * <p>Every refusal is {@code invalid_client} with the same description; what failed is in
 * {@link TokenRefusal#reason()} (metrics) and {@link TokenRefusal#detail()} (log, audit).
 */
public final class ClientAssertionVerifier {

    /** RFC 7523 §2.2. */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Longest assertion read at all: a JWS of a few claims is well under 2 KB; 8 KB leaves room for x5c. */
    public static final int MAX_ASSERTION_LENGTH = 8192;

    private final ReplayCache replays;
    private final JwksUriCache remoteKeys;
    private final ClientAssertionSettings settings;
    private final Clock clock;

    public ClientAssertionVerifier(ReplayCache replays, JwksUriCache remoteKeys, ClientAssertionSettings settings,
                                   Clock clock) {
        this.replays = replays;
        this.remoteKeys = remoteKeys;
        this.settings = settings;
        this.clock = clock;
    }

    /** Where an assertion's {@code aud} may point: the issuer, and the token endpoint where the tenant allows it. */
    public static String tokenEndpoint(String issuer) {
        return issuer + "/oauth2/token";
    }

    /**
     * @param client    the client the request names, or null when the tenant has none of that id
     * @param presented the request's {@code client_id} (or the assertion's {@code sub}) and assertion
     * @return empty when the assertion proves the client
     */
    public Optional<TokenRefusal> verify(Tenant tenant, ClientCredential client, PresentedCredentials presented,
                                         String issuer) {
        if (client == null) {
            return refuse(Reason.UNKNOWN_CLIENT, "no client " + echo(presented.clientId()) + " in the tenant");
        }
        Parsed parsed = parse(presented.assertion(), ClientKeyAlgorithms.SUPPORTED);
        if (parsed.refusal() != null) {
            return Optional.of(parsed.refusal());
        }
        SignedJWT jwt = parsed.jwt();
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        JWTClaimsSet claims = parsed.claims();
        Optional<TokenRefusal> claimFailure = checkClaims(tenant, client, claims, issuer);
        if (claimFailure.isPresent()) {
            return claimFailure;
        }
        // Only a client registered for it; its state after the signature, as the secret check does.
        if (!client.authMethods().contains(ClientAuthMethod.PRIVATE_KEY_JWT)) {
            return refuse(Reason.AUTH_METHOD_NOT_ALLOWED, "client is registered for "
                    + client.tokenEndpointAuthMethod().wireName() + ", not private_key_jwt");
        }
        Optional<TokenRefusal> signatureFailure = checkSignature(client, jwt, alg);
        if (signatureFailure.isPresent()) {
            return signatureFailure;
        }
        if (!client.enabled()) {
            return Optional.of(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                    Reason.CLIENT_DISABLED));
        }
        // RFC 7523 §3 item 7: single use until exp, on every node (the store settles races).
        String namespace = "client-assertion:" + tenant.id().value() + ":" + client.clientId().value();
        Instant exp = claims.getExpirationTime().toInstant();
        if (!replays.firstUse(namespace, claims.getJWTID(), exp.plus(settings.clockSkew()))) {
            return refuse(Reason.ASSERTION_REPLAYED, "jti " + echo(claims.getJWTID()) + " was used before");
        }
        return Optional.empty();
    }

    /** A signed JWT and its claims, or why the raw string is none: shared with {@link FederatedAssertionVerifier}. */
    record Parsed(SignedJWT jwt, JWTClaimsSet claims, TokenRefusal refusal) {
    }

    /**
     * The shape checks every client assertion passes first: length, a JWS (not unsigned, not
     * encrypted), an asymmetric algorithm among {@code allowed}, no {@code crit}, parseable claims.
     */
    static Parsed parse(String raw, java.util.Collection<JWSAlgorithm> allowed) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_ASSERTION_LENGTH) {
            return failed(Reason.ASSERTION_MALFORMED, "client_assertion missing or longer than " + MAX_ASSERTION_LENGTH);
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(raw);
        } catch (ParseException e) {
            return failed(Reason.ASSERTION_MALFORMED, "client_assertion is not a JWT: " + echo(e.getMessage()));
        }
        if (parsed instanceof PlainJWT) {
            return failed(Reason.ASSERTION_ALGORITHM_REFUSED, "client_assertion is unsigned (alg none)");
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            return failed(Reason.ASSERTION_MALFORMED, "client_assertion is encrypted, not signed");
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            // client_secret_jwt, or HS256 keyed with a public key: secrets are stored only as keyed hashes.
            return failed(Reason.ASSERTION_ALGORITHM_REFUSED, "client_assertion is signed with " + alg
                    + " (client_secret_jwt is not supported; sign with the client's private key)");
        }
        if (!ClientKeyAlgorithms.SUPPORTED.contains(alg) || !allowed.contains(alg)) {
            return failed(Reason.ASSERTION_ALGORITHM_REFUSED, "client_assertion alg " + echo(alg.getName())
                    + " is not allowed (" + allowed + ")");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            // RFC 7515 §4.1.11: a crit parameter the verifier doesn't understand makes the JWS invalid.
            return failed(Reason.ASSERTION_MALFORMED, "client_assertion has crit header parameters");
        }
        try {
            return new Parsed(jwt, jwt.getJWTClaimsSet(), null);
        } catch (ParseException e) {
            return failed(Reason.ASSERTION_MALFORMED, "client_assertion claims: " + echo(e.getMessage()));
        }
    }

    private static Parsed failed(Reason reason, String detail) {
        return new Parsed(null, null, TokenRefusal.invalidClient(reason, detail));
    }

    /** RFC 7523 §3 items 4 to 6: exp required, not passed, at most {@code maxLifetime} ahead; nbf, iat not ahead. */
    static Optional<TokenRefusal> checkTimes(JWTClaimsSet claims, Instant now, Duration skew, Duration maxLifetime) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return refuse(Reason.ASSERTION_EXPIRED, "exp is missing (RFC 7523 section 3 item 4 requires it)");
        }
        if (!exp.toInstant().plus(skew).isAfter(now)) {
            return refuse(Reason.ASSERTION_EXPIRED, "exp " + exp.toInstant() + " has passed (now " + now + ")");
        }
        if (exp.toInstant().isAfter(now.plus(maxLifetime).plus(skew))) {
            return refuse(Reason.ASSERTION_LIFETIME_TOO_LONG, "exp " + exp.toInstant() + " is more than "
                    + maxLifetime.toSeconds() + " s ahead (now " + now + ")");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            return refuse(Reason.ASSERTION_NOT_YET_VALID, "nbf " + nbf.toInstant() + " is in the future (now " + now + ")");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
            return refuse(Reason.ASSERTION_NOT_YET_VALID, "iat " + iat.toInstant() + " is in the future (now " + now + ")");
        }
        return Optional.empty();
    }

    private Optional<TokenRefusal> checkClaims(Tenant tenant, ClientCredential client, JWTClaimsSet claims,
                                               String issuer) {
        String clientId = client.clientId().value();
        // RFC 7523 §3 items 1, 2 (and RFC 7523bis): the client is both issuer and subject.
        if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
            return refuse(Reason.ASSERTION_ISSUER_MISMATCH, "iss " + echo(claims.getIssuer()) + " and sub "
                    + echo(claims.getSubject()) + " must both be the client id");
        }
        List<String> audiences = claims.getAudience();
        boolean endpointAllowed = tenant.settings().tokenEndpointAudience();
        boolean audienceOk = audiences.contains(issuer)
                || (endpointAllowed && audiences.contains(tokenEndpoint(issuer)));
        if (!audienceOk) {
            return refuse(Reason.ASSERTION_WRONG_AUDIENCE, "aud " + echo(String.valueOf(audiences)) + " is not "
                    + issuer + (endpointAllowed ? " nor " + tokenEndpoint(issuer) : " (the token endpoint URL is"
                    + " refused by the tenant setting " + dev.tollgate.core.tenant.TenantSettings.TOKEN_ENDPOINT_AUDIENCE + ")"));
        }
        Optional<TokenRefusal> timeFailure = checkTimes(claims, clock.instant(), settings.clockSkew(),
                settings.maxLifetime());
        if (timeFailure.isPresent()) {
            return timeFailure;
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > ReplayRepository.MAX_JTI_LENGTH) {
            return refuse(Reason.ASSERTION_MALFORMED, "jti is missing or longer than " + ReplayRepository.MAX_JTI_LENGTH
                    + " characters (required, so the assertion can be used once)");
        }
        return Optional.empty();
    }

    private Optional<TokenRefusal> checkSignature(ClientCredential client, SignedJWT jwt, JWSAlgorithm alg) {
        String kid = jwt.getHeader().getKeyID();
        ClientKeys keys = client.keys();
        List<JWK> candidates;
        if (keys.jwksUri() != null) {
            try {
                candidates = remoteKeys.keys(keys.jwksUri(), kid);
            } catch (JwksUriCache.FetchException e) {
                return refuse(Reason.CLIENT_KEYS_UNAVAILABLE, "jwks_uri " + keys.jwksUri() + ": " + e.getMessage());
            }
        } else {
            candidates = keys.inlineKeys().stream().filter(k -> kid == null || kid.equals(k.getKeyID())).toList();
        }
        return verifyWith(candidates, jwt, alg);
    }

    /** Verifies {@code jwt} with the one key among {@code candidates} (already those of its kid) that fits {@code alg}. */
    static Optional<TokenRefusal> verifyWith(List<JWK> candidates, SignedJWT jwt, JWSAlgorithm alg) {
        String kid = jwt.getHeader().getKeyID();
        // Without a kid, only a client with a single key that fits the algorithm: never a search.
        List<JWK> fitting = candidates.stream().filter(k -> ClientKeyAlgorithms.fits(alg, k)).toList();
        if (candidates.isEmpty() || (kid == null && fitting.size() != 1)) {
            return refuse(Reason.ASSERTION_UNKNOWN_KEY, kid == null
                    ? "the assertion has no kid and the client has not exactly one key for " + alg
                    : "no key of the client has kid " + echo(kid));
        }
        if (fitting.isEmpty()) {
            return refuse(Reason.ASSERTION_ALGORITHM_REFUSED, "key " + echo(kid) + " can't verify " + alg
                    + "; it verifies " + ClientKeyAlgorithms.forKey(candidates.get(0)));
        }
        try {
            if (jwt.verify(ClientKeyAlgorithms.verifier(fitting.get(0)))) {
                return Optional.empty();
            }
        } catch (JOSEException e) {
            return refuse(Reason.ASSERTION_BAD_SIGNATURE, "signature check failed: " + echo(e.getMessage()));
        }
        return refuse(Reason.ASSERTION_BAD_SIGNATURE, "signature does not verify with key "
                + echo(fitting.get(0).getKeyID()));
    }

    private static Optional<TokenRefusal> refuse(Reason reason, String detail) {
        return Optional.of(TokenRefusal.invalidClient(reason, detail));
    }

    /** A value from the request, as logs may show it: printable ASCII, cut short. */
    static String echo(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
