package dev.tollgate.verifier;

/**
 * A resource server's DPoP nonces (RFC 9449 §9), when it requires them: the nonce to hand out in
 * {@code DPoP-Nonce}, and whether a presented one is acceptable.
 *
 * <pre>{@code
 * TokenVerifier.builder()...dpop(proofs).dpopNonces(new DPoPNonceSource() {
 *     public String current() { return nonces.current(); }          // null: no nonce required now
 *     public boolean isValid(String nonce) { return nonces.isValid(nonce); }
 * })
 * }</pre>
 */
public interface DPoPNonceSource {

    /** The current nonce; null when no nonce is required (then {@link #isValid} is not asked). */
    String current();

    boolean isValid(String nonce);
}
