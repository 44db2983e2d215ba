package dev.tollgate.server.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DuplicateKeysTest {

    @Test
    void inWhenEveryNameOncePerObjectThenNone() {
        assertThat(DuplicateKeys.in("{\"a\":1,\"b\":{\"a\":2,\"c\":[{\"a\":3},{\"a\":4}]},\"d\":\"a\"}")).isEmpty();
        assertThat(DuplicateKeys.in("{\"a\":[\"a\",\"a\"],\"b\":\"x,\\\"a\\\":1\"}")).isEmpty();
    }

    @Test
    void inWhenANameRepeatsAtAnyDepthThenNamed() {
        assertThat(DuplicateKeys.in("{\"scope\":\"a\",\"scope\":\"admin\"}")).contains("scope");
        assertThat(DuplicateKeys.in("{\"x\":{\"y\":1,\"y\":2}}")).contains("y");
        assertThat(DuplicateKeys.in("{\"x\":[{\"y\":1,\"z\":2,\"y\":3}]}")).contains("y");
    }

    @Test
    void inWhenTheSameNameIsSpelledWithEscapesThenStillADuplicate() {
        assertThat(DuplicateKeys.in("{\"a\":1,\"\\u0061\":2}")).contains("a");
    }
}
