package dev.tollgate.core.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TotpTest {

    /** RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890", in base32. */
    private static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static byte[] seed(String algorithm) {
        String ascii = switch (algorithm) {
            case "HmacSHA1" -> "12345678901234567890";
            case "HmacSHA256" -> "12345678901234567890123456789012";
            case "HmacSHA512" -> "1234567890123456789012345678901234567890123456789012345678901234";
            default -> throw new IllegalArgumentException(algorithm);
        };
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "T={0} {2}")
    @CsvSource({
            "59, 94287082, HmacSHA1",
            "59, 46119246, HmacSHA256",
            "59, 90693936, HmacSHA512",
            "1111111109, 07081804, HmacSHA1",
            "1111111109, 68084774, HmacSHA256",
            "1111111109, 25091201, HmacSHA512",
            "1111111111, 14050471, HmacSHA1",
            "1111111111, 67062674, HmacSHA256",
            "1111111111, 99943326, HmacSHA512",
            "1234567890, 89005924, HmacSHA1",
            "1234567890, 91819424, HmacSHA256",
            "1234567890, 93441116, HmacSHA512",
            "2000000000, 69279037, HmacSHA1",
            "2000000000, 90698825, HmacSHA256",
            "2000000000, 38618901, HmacSHA512",
            "20000000000, 65353130, HmacSHA1",
            "20000000000, 77737706, HmacSHA256",
            "20000000000, 47863826, HmacSHA512"})
    void codeWhenRfc6238AppendixBVectorsThenMatches(long time, String expected, String algorithm) {
        assertThat(Totp.code(seed(algorithm), time / 30, 8, algorithm)).isEqualTo(expected);
    }

    @Test
    void verifyWhenCodeIsForNowThenTrue() {
        assertThat(Totp.verify(RFC_SECRET, "287082", Instant.ofEpochSecond(59))).isTrue();
    }

    @Test
    void verifyWhenCodeIsOneStepOldThenTrue() {
        assertThat(Totp.verify(RFC_SECRET, "287082", Instant.ofEpochSecond(89))).isTrue();
    }

    @Test
    void verifyWhenCodeIsOneStepAheadThenTrue() {
        assertThat(Totp.verify(RFC_SECRET, "287082", Instant.ofEpochSecond(29))).isTrue();
    }

    @Test
    void verifyWhenCodeIsTwoStepsAwayThenFalse() {
        assertThat(Totp.verify(RFC_SECRET, "287082", Instant.ofEpochSecond(119))).isFalse();
        assertThat(Totp.verify(RFC_SECRET, "287082", Instant.ofEpochSecond(0).minusSeconds(1))).isFalse();
    }

    @Test
    void verifyWhenCodeWrongThenFalse() {
        assertThat(Totp.verify(RFC_SECRET, "287083", Instant.ofEpochSecond(59))).isFalse();
    }

    @Test
    void verifyWhenCodeGroupedWithASpaceThenTrue() {
        assertThat(Totp.verify(RFC_SECRET, "287 082", Instant.ofEpochSecond(59))).isTrue();
    }

    @Test
    void verifyWhenSecretInLowerCaseThenTrue() {
        assertThat(Totp.verify(RFC_SECRET.toLowerCase(), "287082", Instant.ofEpochSecond(59))).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"28708", "2870820", "28708a", "+87082", "２８７０８２"})
    void verifyWhenCodeMalformedThenFalse(String code) {
        assertThat(Totp.verify(RFC_SECRET, code, Instant.ofEpochSecond(59))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"not base32!", "GEZDGNBV1"})
    void verifyWhenSecretMalformedThenFalse(String secret) {
        assertThat(Totp.verify(secret, "287082", Instant.ofEpochSecond(59))).isFalse();
    }

    @Test
    void matchingStepWhenCodeWithinTheWindowThenTheStepTheCodeBelongsTo() {
        assertThat(Totp.matchingStep(RFC_SECRET, "287082", Instant.ofEpochSecond(89))).isEqualTo(OptionalLong.of(1));
        assertThat(Totp.matchingStep(RFC_SECRET, "287083", Instant.ofEpochSecond(89))).isEmpty();
    }

    @Test
    void generateSecretWhenCalledThen160RandomBitsInBase32() {
        String secret = Totp.generateSecret();

        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(Totp.decodeBase32(secret)).hasSize(20);
        assertThat(Totp.generateSecret()).isNotEqualTo(secret);
    }

    @Test
    void generateSecretWhenUsedThenVerifiesItsOwnCode() {
        String secret = Totp.generateSecret();
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        String code = Totp.code(Totp.decodeBase32(secret), now.getEpochSecond() / 30, 6, "HmacSHA1");

        assertThat(Totp.verify(secret, code, now)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(value = {"'',''", "f,MY", "fo,MZXQ", "foo,MZXW6", "foob,MZXW6YQ", "fooba,MZXW6YTB",
            "foobar,MZXW6YTBOI"})
    void base32WhenRfc4648Section10VectorsThenMatches(String plain, String encoded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

        assertThat(Totp.encodeBase32(bytes)).isEqualTo(encoded);
        assertThat(Totp.decodeBase32(encoded)).isEqualTo(bytes);
    }

    @Test
    void decodeBase32WhenPaddingCaseOrSpacesThenForgiven() {
        assertThat(Totp.decodeBase32("mzxw 6yq=")).isEqualTo("foob".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.decodeBase32("MZXW6YTBOI======")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void decodeBase32WhenCharacterOutsideTheAlphabetThenRefused() {
        assertThatThrownBy(() -> Totp.decodeBase32("MZXW1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void provisioningUriWhenBuiltThenTheKeyUriFormat() {
        assertThat(Totp.provisioningUri("Tollgate 10001", "alice@example.com", "JBSWY3DPEHPK3PXP"))
                .isEqualTo("otpauth://totp/Tollgate%2010001:alice%40example.com?secret=JBSWY3DPEHPK3PXP"
                        + "&issuer=Tollgate%2010001&algorithm=SHA1&digits=6&period=30");
    }
}
