package dev.tollgate.verifier;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The outcome of {@link TokenVerifier#verify}: a {@link Valid} principal, or the {@link Invalid}
 * reason, never an exception.
 *
 * <pre>{@code
 * switch (verifier.verify(token, Set.of("users:read"))) {
 *     case Verification.Valid ok -> handle(ok.principal());
 *     case Verification.Invalid bad -> {
 *         response.status(bad.reason().httpStatus());
 *         response.header("WWW-Authenticate", bad.wwwAuthenticate("users-api"));
 *     }
 * }
 * }</pre>
 */
public sealed interface Verification {

    boolean isValid();

    record Valid(Principal principal) implements Verification {
        public Valid {
            Objects.requireNonNull(principal, "principal");
        }

        @Override
        public boolean isValid() {
            return true;
        }
    }

    /**
     * What a {@code DPoP} challenge (RFC 9449 §7.1) says besides the error.
     *
     * @param algs  the proof algorithms accepted, space-separated
     * @param nonce the nonce to send in {@code DPoP-Nonce} with a {@code use_dpop_nonce} error, else null
     */
    record DPoPChallenge(String algs, String nonce) {
    }

    /**
     * @param description    for {@code error_description}: says what failed, never echoes the token
     * @param requiredScopes the scopes the request needed, for {@code scope} on {@code insufficient_scope}
     * @param dpop           set when the resource server accepts DPoP: the challenge is then {@code DPoP}
     */
    record Invalid(Reason reason, String description, Set<String> requiredScopes, DPoPChallenge dpop)
            implements Verification {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(description, "description");
            requiredScopes = Set.copyOf(requiredScopes);
        }

        /** A refusal with a Bearer challenge. */
        public Invalid(Reason reason, String description, Set<String> requiredScopes) {
            this(reason, description, requiredScopes, null);
        }

        /** The value of the {@code DPoP-Nonce} header to answer with (RFC 9449 §9); null when none. */
        public String dpopNonce() {
            return dpop == null ? null : dpop.nonce();
        }

        @Override
        public boolean isValid() {
            return false;
        }

        /**
         * The {@code WWW-Authenticate} value (RFC 6750 §3):
         * {@code Bearer realm="api", error="invalid_token", error_description="token expired"}, with
         * {@code scope="..."} added for {@code insufficient_scope}. For {@link Reason#KEYS_UNAVAILABLE}
         * only the realm: the failure is not the token's. With {@link #dpop} set the scheme is
         * {@code DPoP} and {@code algs="..."} follows (RFC 9449 §7.1).
         */
        public String wwwAuthenticate(String realm) {
            StringBuilder value = new StringBuilder(dpop == null ? "Bearer" : "DPoP")
                    .append(" realm=\"").append(quotable(realm)).append('"');
            if (reason.error() == null) {
                return dpop == null ? value.toString() : value.append(", algs=\"").append(quotable(dpop.algs()))
                        .append('"').toString();
            }
            value.append(", error=\"").append(reason.error()).append('"');
            value.append(", error_description=\"").append(quotable(description)).append('"');
            if (reason == Reason.INSUFFICIENT_SCOPE) {
                value.append(", scope=\"").append(quotable(String.join(" ", new TreeSet<>(requiredScopes))))
                        .append('"');
            }
            if (dpop != null) {
                // RFC 9449 §7.1: the algorithms a proof may use.
                value.append(", algs=\"").append(quotable(dpop.algs())).append('"');
            }
            return value.toString();
        }

        // RFC 6750 §3: error_description and scope exclude '"' and '\' (and anything outside %x20-7E),
        // so they can be quoted without escapes.
        private static String quotable(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
