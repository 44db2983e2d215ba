package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.SigningKeyRing;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Turns a grant into a signed RFC 9068 access token. */
public final class TokenMinter {

    public IssuedToken mint(TokenGrant grant, SigningKeyRing ring, String issuer, Instant now) throws JOSEException {
        ClientCredential client = grant.client();
        // RFC 9068 §2.2 claims; whole seconds, since JWT NumericDate is in seconds.
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expiresAt = issuedAt.plus(grant.lifetime());
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(client.clientId().value())
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .jwtID(jti)
                .claim("client_id", client.clientId().value())
                .claim("scope", grant.scopes().toSpaceDelimited())
                .claim("customer_id", client.tenantId().value())
                .claim("client_name", client.name());
        if (grant.audiences().size() == 1) {
            claims.audience(grant.audiences().get(0));
        } else {
            claims.audience(grant.audiences());
        }
        if (!client.authorities().isEmpty()) {
            claims.claim("authorities", client.authorities());
        }
        SignedJWT jwt = new SignedJWT(ring.header(), claims.build());
        jwt.sign(ring.signer());
        return new IssuedToken(jwt.serialize(), jti, grant.scopes(), grant.audiences(), grant.lifetime(), expiresAt);
    }
}
