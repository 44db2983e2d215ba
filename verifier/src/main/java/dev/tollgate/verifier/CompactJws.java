package dev.tollgate.verifier;

import java.util.Base64;

/**
 * The one spelling of a token this server accepts: RFC 7515 §7.1's compact serialisation, three
 * segments (the last may be empty) of unpadded base64url (RFC 7515 §2) that decode and re-encode to themselves. Decoders are
 * lenient (padding, {@code +} and {@code /}, stray trailing bits), so without this check many strings
 * verify as the same token: a revocation list, cache or log keyed by the string would miss the others.
 */
public final class CompactJws {

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private CompactJws() {
    }

    public static boolean isCanonical(String token) {
        if (token == null) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        // An empty third segment is left to the parser, which names it: an unsigned token (alg none).
        if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            return false;
        }
        return isCanonicalSegment(token, 0, first) && isCanonicalSegment(token, first + 1, second)
                && isCanonicalSegment(token, second + 1, token.length());
    }

    private static boolean isCanonicalSegment(String token, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = token.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        String segment = token.substring(from, to);
        try {
            // Unused low bits of the last character must be zero: only then does the segment re-encode to itself.
            return ENCODER.encodeToString(DECODER.decode(segment)).equals(segment);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
