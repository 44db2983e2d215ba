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
     * @param description    for {@code error_description}: says what failed, never echoes the token
     * @param requiredScopes the scopes the request needed, for {@code scope} on {@code insufficient_scope}
     */
    record Invalid(Reason reason, String description, Set<String> requiredScopes) implements Verification {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(description, "description");
            requiredScopes = Set.copyOf(requiredScopes);
        }

        @Override
        public boolean isValid() {
            return false;
        }

        /**
         * The {@code WWW-Authenticate} value (RFC 6750 §3):
         * {@code Bearer realm="api", error="invalid_token", error_description="token expired"}, with
         * {@code scope="..."} added for {@code insufficient_scope}. For {@link Reason#KEYS_UNAVAILABLE}
         * only the realm: the failure is not the token's.
         */
        public String wwwAuthenticate(String realm) {
            StringBuilder value = new StringBuilder("Bearer realm=\"").append(quotable(realm)).append('"');
            if (reason.error() == null) {
                return value.toString();
            }
            value.append(", error=\"").append(reason.error()).append('"');
            value.append(", error_description=\"").append(quotable(description)).append('"');
            if (reason == Reason.INSUFFICIENT_SCOPE) {
                value.append(", scope=\"").append(quotable(String.join(" ", new TreeSet<>(requiredScopes))))
                        .append('"');
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
