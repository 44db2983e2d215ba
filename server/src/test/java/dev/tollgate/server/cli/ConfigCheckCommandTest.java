package dev.tollgate.server.cli;

import dev.tollgate.server.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tollgate config check} and {@code tollgate config keys} (issue 5, point 1): validation
 * without starting, through the same entry point as the jar's {@code main}.
 */
class ConfigCheckCommandTest {

    @TempDir
    Path dir;

    @Test
    void checkWhenAGoodFileThenExitsZeroAndPrintsEveryEffectiveValueWithItsSource() throws IOException {
        Path file = Files.writeString(dir.resolve("good.properties"), """
                port = 8443
                management-port = 9443
                timeouts.idle-connection = 5s
                limits.max-body-bytes = 2048
                jdbc-password = hunter2-do-not-print
                data-dir = %s
                """.formatted(dir.resolve("data")));

        Cli.Run run = Cli.run("config", "check", "--config", file.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("configuration is valid").contains(file.toString());
        assertThat(line(run.out(), "port")).contains("8443").contains("(file)");
        assertThat(line(run.out(), "management-port")).contains("9443").contains("(file)");
        assertThat(line(run.out(), "timeouts.idle-connection")).contains("5s").contains("(file)");
        assertThat(line(run.out(), "limits.max-body-bytes")).contains("2048").contains("(file)");
        assertThat(line(run.out(), "data-dir")).contains(dir.resolve("data").toString()).contains("(file)");
        // keys not in the file: their defaults (or the environment's value, on a machine that sets one)
        assertThat(line(run.out(), "limits.max-header-bytes")).containsAnyOf("16384  (default)", "(environment)");
        // every key is shown
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(line(run.out(), key.key())).as("a line for %s", key.key()).isNotNull();
        }
        // the secret only masked
        assertThat(line(run.out(), "jdbc-password")).contains("********");
        assertThat(run.out() + run.err()).doesNotContain("hunter2");
        // nothing was started or created
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void checkWhenABadFileThenExitsTwoAndNamesEveryBadKey() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.properties"), """
                port = http
                timeouts.idle-connection = soon
                log.level = LOUD
                limts.max-body-bytes = 4096
                jdbc-password = hunter2-do-not-print
                """);

        Cli.Run run = Cli.run("config", "check", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).doesNotContain("configuration is valid");
        assertThat(run.err()).contains("invalid configuration")
                .contains("port (file " + file + ")")
                .contains("timeouts.idle-connection (file " + file + ")")
                .contains("log.level (file " + file + ")")
                .contains("limts.max-body-bytes (file " + file + "): unknown key; did you mean limits.max-body-bytes?")
                .doesNotContain("hunter2");
    }

    @Test
    void checkWhenTheFileIsNotThereThenExitsTwoAndNamesTheFile() {
        Path missing = dir.resolve("nope.properties");

        Cli.Run run = Cli.run("config", "check", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString());
    }

    @Test
    void checkWhenStoreFlagsAndAFileThenTheFlagsWin() throws IOException {
        Path file = Files.writeString(dir.resolve("store.properties"), "data-dir = /from/the/file\n");

        Cli.Run run = Cli.run("config", "check", "--config", file.toString(), "--data-dir", dir.resolve("flag").toString(),
                "--jdbc-password", "flag-secret-do-not-print");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(line(run.out(), "data-dir")).contains(dir.resolve("flag").toString()).contains("(flag)");
        assertThat(line(run.out(), "jdbc-password")).contains("********").contains("(flag)");
        assertThat(run.out()).doesNotContain("flag-secret");
    }

    @Test
    void keysWhenRunThenPrintsAMarkdownRowPerKeyWithItsEnvironmentVariableAndDefault() {
        Cli.Run run = Cli.run("config", "keys");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> rows = run.out().lines().filter(l -> l.startsWith("| `")).toList();
        assertThat(rows).hasSize(ConfigKey.values().length);
        for (ConfigKey key : ConfigKey.values()) {
            String expectedStart = "| `" + key.key() + "` | `" + key.envName() + "` | "
                    + (key.defaultValue().isEmpty() ? "(unset)" : "`" + key.defaultValue() + "`") + " | ";
            assertThat(rows).as(key.key()).anySatisfy(row -> assertThat(row).startsWith(expectedStart));
        }
        assertThat(run.out().lines().findFirst()).contains("| key | environment variable | default | meaning |");
    }

    /** The {@code config check} line for a key: two spaces, the key padded, the value and its source. */
    private static String line(String out, String key) {
        Pattern p = Pattern.compile("^  " + Pattern.quote(key) + " +\\S.*$|^  " + Pattern.quote(key) + " +$");
        return out.lines().filter(l -> p.matcher(l).matches()).findFirst().orElse(null);
    }
}
