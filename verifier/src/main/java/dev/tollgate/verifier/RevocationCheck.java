package dev.tollgate.verifier;

/**
 * Asks whether a token that passed every other check has been revoked (RFC 7009). Optional: most
 * APIs rely on short lifetimes; an API that must honour revocation at once plugs one in.
 *
 * <p>Called on every verification, so it should answer from memory — for example from a list
 * refreshed in the background, or from introspection results cached for a few seconds.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *     ...
 *     .revocationCheck(principal -> revokedJtis.contains(principal.jti()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface RevocationCheck {

    /** True when the token behind {@code principal} must no longer be accepted. */
    boolean isRevoked(Principal principal);
}
