package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.key.SigningKeyRing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Turns a grant into a signed RFC 9068 access token. */
public final class TokenMinter {

    public IssuedToken mint(TokenGrant grant, SigningKeyRing ring, String issuer, Instant now) throws JOSEException {
        return mint(grant, ring, issuer, now, Confirmation.NONE);
    }

    /** @param cnf what the token is bound to (RFC 7800 {@code cnf}); {@link Confirmation#NONE} for a bearer token */
    public IssuedToken mint(TokenGrant grant, SigningKeyRing ring, String issuer, Instant now, Confirmation cnf)
            throws JOSEException {
        ClientCredential client = grant.client();
        // RFC 9068 §2.2 claims; whole seconds, since JWT NumericDate is in seconds.
        long issuedAt = now.getEpochSecond();
        Instant expiresAt = Instant.ofEpochSecond(issuedAt).plus(grant.lifetime());
        String jti = UUID.randomUUID().toString();
        String clientId = client.clientId().value();
        List<String> audiences = grant.audiences();

        // Written once, in order, rather than through JWTClaimsSet's map and its serialiser.
        StringBuilder claims = new StringBuilder(512).append('{');
        JsonText.string(claims, "iss", issuer);
        JsonText.string(claims, "sub", clientId);
        if (audiences.size() == 1) {
            JsonText.string(claims, "aud", audiences.get(0));
        } else {
            JsonText.strings(claims, "aud", audiences);
        }
        JsonText.number(claims, "exp", expiresAt.getEpochSecond());
        JsonText.number(claims, "iat", issuedAt);
        JsonText.number(claims, "nbf", issuedAt);
        JsonText.string(claims, "jti", jti);
        JsonText.string(claims, "client_id", clientId);
        JsonText.string(claims, "scope", grant.scopes().toSpaceDelimited());
        JsonText.string(claims, "customer_id", client.tenantId().value());
        JsonText.string(claims, "client_name", client.name());
        if (!client.authorities().isEmpty()) {
            JsonText.strings(claims, "authorities", client.authorities());
        }
        cnf.appendTo(claims);
        JWSObject jws = new JWSObject(ring.header(), new Payload(claims.append('}').toString()));
        jws.sign(ring.signer());
        return new IssuedToken(jws.serialize(), jti, grant.scopes(), grant.audiences(), grant.lifetime(), expiresAt,
                cnf);
    }
}
