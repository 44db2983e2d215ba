package dev.tollgate.server.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which log format a configured {@code log.format} means; LauncherIT covers a real terminal. */
class LogOutputTest {

    @Test
    void resolveWhenJsonOrTextIsConfiguredThenThatFormatWhateverTheTerminal() {
        assertThat(LogOutput.resolve("json")).isEqualTo("json");
        assertThat(LogOutput.resolve("text")).isEqualTo("text");
        assertThat(LogOutput.resolve(" TEXT ")).isEqualTo("text");
    }

    @Test
    void resolveWhenAutoOrUnsetAndStderrIsNotATerminalThenJson() {
        // Surefire pipes the forked JVM's stderr: not a terminal, as in a container or under systemd.
        assertThat(LogOutput.stderrIsTerminal()).isFalse();
        assertThat(LogOutput.resolve("auto")).isEqualTo("json");
        assertThat(LogOutput.resolve(null)).isEqualTo("json");
        assertThat(LogOutput.resolve("")).isEqualTo("json");
    }
}
