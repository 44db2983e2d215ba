package dev.tollgate.core.key;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A tenant's keys at one moment: the signer and header for new tokens, and the public keys to
 * publish. Built once per change of keys and shared by all requests, so the hot path allocates
 * neither a signer nor a header.
 */
public final class SigningKeyRing {

    /** RFC 9068 §2.1: access tokens are typed {@code at+jwt}. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private final List<SigningKey> keys;
    private final SigningKey current;
    private final JWSSigner signer;
    private final JWSHeader header;
    private final Map<String, JWSVerifier> verifiers;

    private SigningKeyRing(List<SigningKey> keys, SigningKey current) {
        this.keys = List.copyOf(keys);
        this.current = current;
        this.verifiers = this.keys.stream().collect(Collectors.toUnmodifiableMap(SigningKey::kid,
                k -> k.algorithm().verifier(k.privateJwk().toPublicJWK()), (a, b) -> a));
        this.signer = current.algorithm().signer(current.privateJwk());
        JWSHeader built = new JWSHeader.Builder(current.algorithm().jwsAlgorithm())
                .type(ACCESS_TOKEN_TYPE)
                .keyID(current.kid())
                .build();
        try {
            // A parsed header keeps its Base64URL form, so every token reuses it instead of
            // serialising and encoding the same header again.
            this.header = JWSHeader.parse(built.toBase64URL());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("cannot re-parse our own JWS header", e);
        }
    }

    /** @throws IllegalStateException when no key is CURRENT (the store is damaged) */
    public static SigningKeyRing of(List<SigningKey> keys) {
        Objects.requireNonNull(keys, "keys");
        SigningKey current = keys.stream().filter(k -> k.state() == KeyState.CURRENT).findFirst()
                .orElseThrow(() -> new IllegalStateException("no current signing key"));
        return new SigningKeyRing(keys, current);
    }

    public SigningKey current() {
        return current;
    }

    public JWSSigner signer() {
        return signer;
    }

    public JWSHeader header() {
        return header;
    }

    public List<SigningKey> keys() {
        return keys;
    }

    /**
     * The verifier for the key {@code kid} if that key is published at {@code now}, i.e. if a valid
     * token may carry it (introspection checks our own tokens with the keys a verifier would see).
     */
    public Optional<KeyVerifier> verifier(String kid, Instant now) {
        if (kid == null) {
            return Optional.empty();
        }
        return keys.stream()
                .filter(k -> k.kid().equals(kid) && k.isPublishedAt(now))
                .findFirst()
                .map(k -> new KeyVerifier(k.algorithm(), verifiers.get(kid)));
    }

    /** A published key's algorithm (to pin the token's {@code alg} to it, RFC 8725 §3.1) and its verifier. */
    public record KeyVerifier(SigningAlgorithm algorithm, JWSVerifier verifier) {
    }

    /** RFC 7517 set of every key a valid token may carry at {@code now}: NEXT, CURRENT and unexpired RETIRED. */
    public JWKSet publicJwks(Instant now) {
        List<JWK> published = keys.stream()
                .filter(k -> k.isPublishedAt(now))
                .map(k -> k.privateJwk().toPublicJWK())
                .toList();
        return new JWKSet(published);
    }
}
