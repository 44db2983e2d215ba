package dev.tollgate.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.KeyRotation;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenGrant;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * One representative client and its grant, shared by the benchmarks so the raw-signing and
 * full-mint numbers sign the same shape of token: RFC 9068 claims as TokenMinter writes them,
 * one audience, two scopes, no authorities: 353 bytes of JSON.
 */
final class Fixtures {

    static final String ISSUER = "https://auth.example.com/10001";
    static final Instant NOW = Instant.parse("2026-01-15T09:30:00Z");

    private static final TenantId TENANT = TenantId.of("10001");
    private static final ClientId CLIENT_ID = new ClientId("7f9c2b1e-4d3a-4e8b-9a61-2c5d8f0e1b34");
    private static final ScopeSet SCOPES = ScopeSet.of("orders:read", "orders:write");

    private Fixtures() {
    }

    static ClientCredential client() {
        return new ClientCredential(TENANT, CLIENT_ID, "Warehouse sync", SCOPES, SCOPES,
                List.of("https://api.shop.example"), List.of(),
                ClientCredential.DEFAULT_TOKEN_TTL, Set.of(), true, false, null, List.of(), NOW, NOW);
    }

    static TokenGrant grant() {
        ClientCredential client = client();
        return new TokenGrant(client, client.defaultScopes(), client.audiences(), client.tokenTtl());
    }

    /** The production ring for a fresh tenant: header {@code alg, typ=at+jwt, kid}, signer from SigningAlgorithm. */
    static SigningKeyRing ring(SigningAlgorithm algorithm) {
        return SigningKeyRing.of(KeyRotation.initialKeys(TENANT, algorithm, NOW));
    }

    /** The claims TokenMinter would put in a token for {@link #grant()}, built once. */
    static JWTClaimsSet claims() {
        TokenGrant grant = grant();
        ClientCredential client = grant.client();
        Instant expiresAt = NOW.plus(grant.lifetime());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(client.clientId().value())
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(NOW))
                .notBeforeTime(Date.from(NOW))
                .jwtID("0b6e4c1a-93f2-4f57-8d0c-5a7e2b9c4d16")
                .claim("client_id", client.clientId().value())
                .claim("scope", grant.scopes().toSpaceDelimited())
                .claim("customer_id", client.tenantId().value())
                .claim("client_name", client.name())
                .audience(grant.audiences().get(0));
        if (!client.authorities().isEmpty()) {
            claims.claim("authorities", client.authorities());
        }
        return claims.build();
    }

    /**
     * Setup-time sanity check: the benchmarked path yields a token that verifies against the ring's
     * public key, and its sizes are what the report claims. Prints one line to stderr.
     */
    static void check(String label, String token, SigningKeyRing ring) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWK publicKey = ring.current().privateJwk().toPublicJWK();
            JWSVerifier verifier = switch (ring.current().algorithm()) {
                case ES256 -> new ECDSAVerifier(publicKey.toECKey());
                case RS256, PS256 -> new RSASSAVerifier(publicKey.toRSAKey());
                case EdDSA -> new Ed25519Verifier(publicKey.toOctetKeyPair());
            };
            if (!jwt.verify(verifier)) {
                throw new IllegalStateException(label + ": token does not verify");
            }
            String[] parts = token.split("\\.");
            System.err.println("[bench] " + label + ": token verifies; header "
                    + jwt.getHeader().toString().getBytes(StandardCharsets.UTF_8).length + " B, claims "
                    + jwt.getPayload().toString().getBytes(StandardCharsets.UTF_8).length + " B JSON, compact "
                    + token.length() + " chars (signature " + parts[2].length() + ")");
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(label + ": token does not verify", e);
        }
    }
}
