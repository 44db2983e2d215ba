package dev.tollgate.server.ops;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the log goes and in which form: lines for a person at a terminal, JSON for a log shipper.
 * logback.xml picks its appender from the {@code TOLLGATE_LOG_FORMAT} property this class resolves.
 */
public final class LogOutput {

    /** {@code log.format}'s default: text on a terminal, JSON everywhere else (files, pipes, containers). */
    public static final String AUTO = "auto";

    private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private LogOutput() {
    }

    /** {@code json} or {@code text} for a configured {@code auto}, {@code json} or {@code text}. */
    public static String resolve(String configured) {
        String format = configured == null ? AUTO : configured.strip().toLowerCase(Locale.ROOT);
        return AUTO.equals(format) || format.isEmpty() ? (stderrIsTerminal() ? "text" : "json") : format;
    }

    /**
     * Whether the log's stream (stderr) is a terminal. Linux says so through /proc; elsewhere the
     * JDK's console stands in for it (it covers stdin and stdout, which are the same terminal when
     * someone starts the server by hand).
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(STDERR_LINK).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return consoleIsTerminal();
        }
    }

    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when redirected and says which it is; on 21 a console exists only on a terminal.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Writes out what the asynchronous appenders still hold. A process that exits with a code (a
     * store it can't open, a port in use) would otherwise end before its last, most useful line.
     */
    public static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
