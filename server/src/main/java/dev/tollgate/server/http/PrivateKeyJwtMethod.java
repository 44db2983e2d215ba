package dev.tollgate.server.http;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import dev.tollgate.core.token.ClientAssertionVerifier;
import dev.tollgate.core.token.PresentedCredentials;

/**
 * RFC 7523 §2.2 {@code private_key_jwt} (OIDC Core §9): {@code client_assertion_type} =
 * {@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer} and a {@code client_assertion}
 * signed with one of the client's keys, parsed with the Nimbus SDK's {@link PrivateKeyJWT}.
 *
 * <p>This step only finds out which client the request names; the policy
 * ({@link ClientAssertionVerifier}) checks everything (claims, key, signature, single use) and
 * records why it refused. An assertion Nimbus refuses to parse (alg none or HS256, a missing claim)
 * still goes to the policy, with the client id the request or the assertion names, so its refusal
 * is counted, logged and audited like any other; the client sees only {@code invalid_client}.
 */
final class PrivateKeyJwtMethod implements ClientAuthenticationMethod {

    @Override
    public boolean isUsedBy(String authorization, FormParameters params) {
        return params.contains("client_assertion") || params.contains("client_assertion_type");
    }

    @Override
    public PresentedCredentials read(String authorization, FormParameters params) throws HttpFailure {
        if (!params.query().isEmpty()) {
            // RFC 6749 §2.3.1 keeps credentials out of URLs; only the reference shape's secrets may be there.
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "client_assertion belongs in the form body", 400);
        }
        String type = params.first("client_assertion_type");
        String assertion = params.first("client_assertion");
        if (!ClientAssertionVerifier.JWT_BEARER.equals(type)) {
            // RFC 7521 §4.2.1: an assertion type the server does not support fails client authentication.
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client_assertion_type must be "
                    + ClientAssertionVerifier.JWT_BEARER, 401);
        }
        if (assertion == null || assertion.isEmpty()) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client_assertion is missing", 401);
        }
        if (assertion.length() > ClientAssertionVerifier.MAX_ASSERTION_LENGTH) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client_assertion is too long", 401);
        }
        String requestClientId = params.first("client_id");
        String clientId;
        try {
            clientId = PrivateKeyJWT.parse(params.body()).getClientID().getValue();
        } catch (ParseException | RuntimeException refusedByNimbus) {
            // The policy says precisely what is wrong; here only: which client does the request name?
            clientId = requestClientId != null ? requestClientId : unverifiedSubject(assertion);
        }
        if (clientId == null) {
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client authentication failed", 401);
        }
        if (requestClientId != null && !requestClientId.equals(clientId)) {
            // RFC 7523 §3: the assertion's sub is the client; a client_id naming another is no authentication.
            throw new HttpFailure(OAuth2Error.INVALID_CLIENT_CODE, "client authentication failed", 401);
        }
        return PresentedCredentials.assertion(clientId, assertion);
    }

    /** The {@code sub} of a JWT whatever its algorithm, to attribute a refusal; never trusted beyond that. */
    private static String unverifiedSubject(String assertion) {
        try {
            return JWTParser.parse(assertion).getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String description() {
        return "client_assertion";
    }
}
