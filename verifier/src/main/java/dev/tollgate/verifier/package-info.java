/**
 * Checks Tollgate access tokens in a resource server: {@link dev.tollgate.verifier.TokenVerifier}
 * validates a bearer token against a tenant's JWKS the way RFC 9068 §4 and RFC 8725 ask, and
 * answers with a typed {@link dev.tollgate.verifier.Verification}. Depends on Nimbus JOSE+JWT
 * (and, optionally, Tink: only EdDSA needs it) only, not on the rest of Tollgate.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *         .issuer("https://auth.example.com/t/10001")
 *         .jwksUri(URI.create("https://auth.example.com/t/10001/oauth2/jwks"))
 *         .audience("https://api.example.com")
 *         .tenant("10001")
 *         .build();
 * if (verifier.verify(token, Set.of("users:read")) instanceof Verification.Invalid bad) {
 *     response.status(bad.reason().httpStatus());
 *     response.header("WWW-Authenticate", bad.wwwAuthenticate("users-api"));
 * }
 * }</pre>
 */
package dev.tollgate.verifier;
