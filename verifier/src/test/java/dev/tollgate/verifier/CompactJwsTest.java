package dev.tollgate.verifier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CompactJwsTest {

    // {"alg":"ES256"} . {"a":1} . two signature bytes 0xfb 0xff, whose base64url uses '-' and '_'
    private static final String CANONICAL = "eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.-_8";

    @Test
    void isCanonicalWhenUnpaddedBase64urlThenTrue() {
        assertThat(CompactJws.isCanonical(CANONICAL)).isTrue();
        assertThat(CompactJws.isCanonical("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")).as("alg none is the parser's to name")
                .isTrue();
    }

    @Test
    void isCanonicalWhenRespelledThenFalse() {
        assertThat(CompactJws.isCanonical(CANONICAL + "=")).as("padding").isFalse();
        assertThat(CompactJws.isCanonical("eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.+/8")).as("standard alphabet").isFalse();
        assertThat(CompactJws.isCanonical("eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfR.-_8")).as("stray trailing bits").isFalse();
        assertThat(CompactJws.isCanonical("eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.-_8.x")).as("four segments").isFalse();
        assertThat(CompactJws.isCanonical(".eyJhIjoxfQ.-_8")).as("empty header").isFalse();
        assertThat(CompactJws.isCanonical("eyJhbGciOiJFUzI1NiJ9 .eyJhIjoxfQ.-_8")).as("space").isFalse();
        assertThat(CompactJws.isCanonical(null)).isFalse();
    }
}
