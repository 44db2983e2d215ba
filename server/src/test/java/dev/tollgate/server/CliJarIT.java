package dev.tollgate.server;

import dev.tollgate.server.ServerProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar as {@code ./tollgate} runs it: its version, and an administrative command's quiet output. */
class CliJarIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path workDir;

    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void cleanUp() {
        ServerProcess.killAll(processes, WAIT);
    }

    @Test
    void versionWhenRunFromTheShadedJarThenTheProjectVersion() throws Exception {
        String expected = "tollgate " + System.getProperty("tollgate.version");

        Result version = jar("version");
        Result flag = jar("--version");

        assertThat(System.getProperty("tollgate.version")).as("set by the failsafe configuration").isNotBlank();
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out().strip()).isEqualTo(expected);
        assertThat(flag.out().strip()).isEqualTo(expected);
    }

    @Test
    void tenantListWhenTheStoreIsEmptyThenSaysSoAndLogsNothing() throws Exception {
        Result list = jar("tenant", "list", "--data-dir", workDir.resolve("data").toString());

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("No tenants yet");
        assertThat(list.err()).isEmpty();
    }

    private Result jar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.java(), "-jar", ServerProcess.shadedJar().toString()));
        command.addAll(List.of(args));
        return ServerProcess.run(workDir, WAIT, Map.of(), processes, command.toArray(String[]::new));
    }
}
