package dev.tollgate.core.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(1000);

    @Test
    void verifyWhenPasswordIsTheHashedOneThenTrue() {
        String encoded = hasher.hash("correct horse battery".toCharArray());

        assertThat(hasher.verify("correct horse battery".toCharArray(), encoded)).isTrue();
    }

    @Test
    void verifyWhenPasswordIsWrongThenFalse() {
        String encoded = hasher.hash("correct horse battery".toCharArray());

        assertThat(hasher.verify("correct horse batterz".toCharArray(), encoded)).isFalse();
    }

    @Test
    void hashWhenEncodedThenSchemeIterationsSixteenByteSaltAndThirtyTwoByteHash() {
        String[] parts = hasher.hash("correct horse battery".toCharArray()).split("\\$");

        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[1]).isEqualTo("1000");
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
    }

    @Test
    void hashWhenTheSamePasswordTwiceThenDifferentSalts() {
        char[] password = "correct horse battery".toCharArray();

        assertThat(hasher.hash(password)).isNotEqualTo(hasher.hash(password));
    }

    @Test
    void iterationsWhenDefaultThenOwaspsSixHundredThousand() {
        assertThat(new PasswordHasher().iterations()).isEqualTo(600_000);
    }

    @Test
    void verifyWhenIterationsDifferThenThoseOfTheEncodingUsedNotOfTheHasher() {
        String encoded = hasher.hash("correct horse battery".toCharArray());

        assertThat(new PasswordHasher(2000).verify("correct horse battery".toCharArray(), encoded)).isTrue();
    }

    @Test
    void verifyWhenRfc7914Pbkdf2HmacSha256VectorThenMatches() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64).
        byte[] expected = HexFormat.of().parseHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        String encoded = "pbkdf2-sha256$1$" + Base64.getEncoder().encodeToString("salt".getBytes()) + "$"
                + Base64.getEncoder().encodeToString(expected);

        assertThat(hasher.verify("passwd".toCharArray(), encoded)).isTrue();
        assertThat(hasher.verify("passwe".toCharArray(), encoded)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "bcrypt$1000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA",
            "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g$x",
            "pbkdf2-sha256$many$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$2000000000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$1000$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$1000$$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$c2hvcnQ",
            "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$%%%"})
    void verifyWhenEncodingMalformedThenFalse(String encoded) {
        assertThat(hasher.verify("correct horse battery".toCharArray(), encoded)).isFalse();
    }

    @Test
    void verifyWhenPasswordNullOrEmptyThenFalse() {
        String encoded = hasher.hash("correct horse battery".toCharArray());

        assertThat(hasher.verify(null, encoded)).isFalse();
        assertThat(hasher.verify(new char[0], encoded)).isFalse();
    }

    @Test
    void hashWhenPasswordEmptyThenRefused() {
        assertThatThrownBy(() -> hasher.hash(new char[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorWhenIterationsOutOfRangeThenRefused() {
        assertThatThrownBy(() -> new PasswordHasher(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PasswordHasher(10_000_001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatePasswordWhenCalledThenMoreThan128RandomBitsInBase64Url() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String password = PasswordHasher.generatePassword();
            assertThat(password).matches("[A-Za-z0-9_-]{24}");
            assertThat(Base64.getUrlDecoder().decode(password)).hasSize(18);
            seen.add(password);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void generatePasswordWhenHashedThenAcceptableAndVerifies() {
        String password = PasswordHasher.generatePassword();

        assertThat(PasswordHasher.isAcceptable(password.toCharArray())).isTrue();
        assertThat(hasher.verify(password.toCharArray(), hasher.hash(password.toCharArray()))).isTrue();
    }

    @Test
    void isAcceptableWhenShorterThanTwelveCharactersThenFalse() {
        assertThat(PasswordHasher.MIN_LENGTH).isEqualTo(12);
        assertThat(PasswordHasher.isAcceptable("elevenchars".toCharArray())).isFalse();
        assertThat(PasswordHasher.isAcceptable("twelve chars".toCharArray())).isTrue();
        assertThat(PasswordHasher.isAcceptable(null)).isFalse();
    }

    @Test
    void isAcceptableWhenSurrogatePairsThenCountsCharactersNotUtf16Units() {
        // Six emoji are twelve UTF-16 units but six characters.
        assertThat(PasswordHasher.isAcceptable("😀😀😀😀😀😀".toCharArray())).isFalse();
    }

    @Test
    void unmatchableWhenVerifiedThenFalseAndItsCostIsTheHashersOwn() {
        String dummy = hasher.unmatchable();

        assertThat(dummy.split("\\$")[1]).isEqualTo("1000");
        assertThat(hasher.verify("correct horse battery".toCharArray(), dummy)).isFalse();
        assertThat(hasher.unmatchable()).isNotEqualTo(dummy);
    }
}
