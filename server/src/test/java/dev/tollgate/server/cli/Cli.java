package dev.tollgate.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs {@code tollgate} in this JVM through the jar's own entry point, {@link Main#run}, with
 * standard output and error captured: what the tests of the commands call.
 */
public final class Cli {

    public record Run(int exitCode, String out, String err) {

        private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ .*");

        /**
         * What the command wrote to standard error, without log lines: the CLI logs at WARN, but in a
         * test JVM Logback was set up before, at INFO, and the store logs that it opened.
         */
        public String error() {
            return err.lines().filter(line -> !LOG_LINE.matcher(line).matches()).collect(Collectors.joining("\n"));
        }
    }

    private Cli() {
    }

    /** One at a time: the streams are the process's. */
    public static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, capturedOut.toString(StandardCharsets.UTF_8),
                    capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
