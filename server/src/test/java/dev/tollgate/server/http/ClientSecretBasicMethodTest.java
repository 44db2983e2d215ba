package dev.tollgate.server.http;

import dev.tollgate.core.token.PresentedCredentials;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Basic header's decoding: the JDK's fast strict path and Nimbus's lenient fallback agree. */
class ClientSecretBasicMethodTest {

    private final ClientSecretBasicMethod basic = new ClientSecretBasicMethod();

    private static String encode(String idColonSecret, Base64.Encoder encoder) {
        return encoder.encodeToString(idColonSecret.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readWhenStrictBase64ThenIdAndSecret() throws HttpFailure {
        PresentedCredentials read = basic.read("Basic " + encode("billing:s3cret", Base64.getEncoder()), null);
        assertThat(read.clientId()).isEqualTo("billing");
        assertThat(read.secret()).isEqualTo("s3cret");
    }

    @Test
    void readWhenFormEncodedHalvesThenDecodedEach() throws HttpFailure {
        // RFC 6749 §2.3.1: each half is application/x-www-form-urlencoded before Base64.
        PresentedCredentials read = basic.read("Basic " + encode("a%3Ab:x%2By+z%25", Base64.getEncoder()), null);
        assertThat(read.clientId()).isEqualTo("a:b");
        assertThat(read.secret()).isEqualTo("x+y z%");
    }

    @Test
    void readWhenUnpaddedOrUrlSafeAlphabetThenDecodedLeniently() throws HttpFailure {
        // 0xFB 0xFF in the secret: '+' and '/' in the standard alphabet, '-' and '_' in the URL-safe one.
        String value = "id:" + new String(new byte[] {'a', (byte) 0xFB, (byte) 0xFF}, StandardCharsets.ISO_8859_1);
        byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
        String standard = Base64.getEncoder().withoutPadding().encodeToString(raw);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThat(standard).isNotEqualTo(urlSafe);
        assertThat(basic.read("Basic " + standard, null).clientId()).isEqualTo("id");
        assertThat(basic.read("Basic " + urlSafe, null).clientId()).isEqualTo("id");
        assertThat(basic.read("Basic " + urlSafe, null).secret()).isEqualTo(basic.read("Basic " + standard, null).secret());
    }

    @Test
    void readWhenNoColonOrBlankIdOrTwoSpacesThenMalformed() {
        for (String header : new String[] {
                "Basic " + encode("no-colon", Base64.getEncoder()),
                "Basic " + encode(" :secret", Base64.getEncoder()),
                "Basic  " + encode("id:secret", Base64.getEncoder()),
                "Bearer " + encode("id:secret", Base64.getEncoder()),
                "Basic"}) {
            assertThatThrownBy(() -> basic.read(header, null)).as(header).isInstanceOf(HttpFailure.class);
        }
    }
}
