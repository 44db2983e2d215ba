package dev.tollgate.core.federation;

import com.nimbusds.jwt.JWTClaimsSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a {@code federated_jwt} client is at a trusted issuer: one (issuer, subject) pair, plus
 * optional claims its tokens must also carry, e.g. {@code kubernetes.io/namespace = prod}.
 *
 * <p>A claim path names a top-level claim, or, when there is none of that exact name, a nested one
 * with {@code /} between the levels ({@code kubernetes.io/serviceaccount/name} is
 * {@code {"kubernetes.io": {"serviceaccount": {"name": ...}}}}); dots belong to names, since
 * Kubernetes' own claim is {@code kubernetes.io}. A claim matches only when it is a string equal to
 * the expected value.
 *
 * @param issuer  the trusted issuer's {@code iss}
 * @param subject the exact {@code sub}: {@code system:serviceaccount:<ns>:<name>}, {@code spiffe://td/path}
 * @param claims  claim path to required value; empty for none
 */
public record FederatedIdentity(String issuer, String subject, Map<String, String> claims) {

    public static final int MAX_SUBJECT_LENGTH = 512;
    public static final int MAX_CLAIMS = 10;
    public static final int MAX_CLAIM_LENGTH = 255;

    /** @throws IllegalArgumentException naming the field that is wrong */
    public FederatedIdentity {
        if (issuer == null || issuer.isEmpty() || issuer.length() > TrustedIssuer.MAX_ISSUER_LENGTH) {
            throw new IllegalArgumentException("issuer: 1 to " + TrustedIssuer.MAX_ISSUER_LENGTH + " characters");
        }
        if (subject == null || subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH || !printable(subject)) {
            throw new IllegalArgumentException("subject: 1 to " + MAX_SUBJECT_LENGTH + " printable characters");
        }
        claims = claims == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        if (claims.size() > MAX_CLAIMS) {
            throw new IllegalArgumentException("claims: at most " + MAX_CLAIMS);
        }
        claims.forEach((path, value) -> {
            if (path == null || path.isEmpty() || path.length() > MAX_CLAIM_LENGTH || !printable(path)
                    || path.startsWith("/") || path.endsWith("/") || path.contains("//")) {
                throw new IllegalArgumentException("claims: a path is 1 to " + MAX_CLAIM_LENGTH
                        + " printable characters, levels separated by single slashes");
            }
            if (value == null || value.length() > MAX_CLAIM_LENGTH || !printable(value)) {
                throw new IllegalArgumentException("claims: the value of " + path + " must be a string of up to "
                        + MAX_CLAIM_LENGTH + " printable characters");
            }
        });
    }

    /** The first claim path whose value in {@code token} is not the required one, or null when all match. */
    public String firstMismatch(JWTClaimsSet token) {
        for (Map.Entry<String, String> required : claims.entrySet()) {
            if (!required.getValue().equals(lookup(token.getClaims(), required.getKey()))) {
                return required.getKey();
            }
        }
        return null;
    }

    static Object lookup(Map<String, Object> claims, String path) {
        if (claims.containsKey(path)) {
            return claims.get(path);
        }
        Object node = claims;
        for (String level : path.split("/")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(level);
        }
        return node;
    }

    private static boolean printable(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c != 0x7F);
    }
}
