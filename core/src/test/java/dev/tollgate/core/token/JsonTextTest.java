package dev.tollgate.core.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "quote \" and backslash \\ and slash /", "line\nbreak\r\ttab",
            "nul \u0000 unit \u001f del \u007f", "line separator \u2028 paragraph \u2029", "emoji \uD83D\uDE80 é ß 中",
            "\"},\"admin\":true,\"x\":\"", "\\u0041 stays six characters"})
    void stringWhenParsedByNimbusThenTheSameValueComesBack(String value) throws Exception {
        String json = JsonText.string(new StringBuilder().append('{'), "name", value).append('}').toString();

        Map<String, Object> parsed = JSONObjectUtils.parse(json);

        assertThat(parsed).containsExactly(Map.entry("name", value));
    }

    @Test
    void membersWhenWrittenInOrderThenOneObjectWithEachTypeParsed() throws Exception {
        StringBuilder json = new StringBuilder().append('{');
        JsonText.string(json, "iss", "https://a.example/t/1");
        JsonText.number(json, "exp", 1_800_000_000L);
        JsonText.strings(json, "aud", List.of("a", "b\"c"));
        JsonText.strings(json, "none", List.of());

        Map<String, Object> parsed = JSONObjectUtils.parse(json.append('}').toString());

        assertThat(parsed).containsOnlyKeys("iss", "exp", "aud", "none");
        assertThat(parsed.get("exp")).isEqualTo(1_800_000_000L);
        assertThat(JSONObjectUtils.getStringList(parsed, "aud")).containsExactly("a", "b\"c");
        assertThat(JSONObjectUtils.getStringList(parsed, "none")).isEmpty();
    }
}
