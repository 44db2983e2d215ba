package dev.tollgate.store;

import org.flywaydb.core.api.FlywayException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a store could not be opened, in one line an operator can act on. HikariCP and Flyway wrap the
 * driver's exception two or three levels deep ("Failed to initialize pool"), and the line an
 * operator sees at start must name the real cause: no such role, no such database, a refused
 * password, nothing listening, no answer, or a schema written by a newer Tollgate.
 */
final class StoreFailure {

    // PostgreSQL SQLSTATEs (Appendix A of its manual): class 28 is authorization, 3D000 a missing database.
    private static final String INVALID_AUTHORIZATION = "28000";
    private static final String INVALID_PASSWORD = "28P01";
    private static final String NO_SUCH_DATABASE = "3D000";
    private static final String NO_SPACE = "No space left on device";
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    private StoreFailure() {
    }

    /** The cause of {@code failure}, phrased for the log and the terminal, with what to do about it. */
    static String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String explained = bySqlState(sql.getSQLState(), message);
                if (explained != null) {
                    return explained;
                }
            }
            if (t instanceof ConnectException) {
                return "connection refused: nothing listens at that host and port (is PostgreSQL running, and on which port?)";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + message + ": check the host in jdbc-url";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to the database host: " + message;
            }
            if (t instanceof SocketTimeoutException || t instanceof SQLTimeoutException) {
                return "timeout: the database did not answer in time (" + message + ")";
            }
            if (t instanceof FlywayException && newerSchema(message)) {
                return "the schema was migrated by a newer Tollgate than this one (" + firstLine(message)
                        + "): run that version, or restore a backup made before the upgrade";
            }
            if (t instanceof AccessDeniedException) {
                return "permission denied: " + message;
            }
            // ENOSPC as the JDK words it; H2 buries it under "Could not save properties" or "Writing to ... failed".
            if (message.contains(NO_SPACE)) {
                return "no space left on the device that holds the store: free some space on it";
            }
        }
        // Then the driver's connection errors that carry no more precise cause, and Hikari's own timeout.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                String message = firstLine(sql.getMessage());
                return message.toLowerCase(Locale.ROOT).contains("timed out")
                        ? "timeout: the database did not answer in time (" + message + ")"
                        : "cannot connect: " + message;
            }
            if (t instanceof SQLTransientConnectionException) {
                return "timeout: no connection within the pool's 2 s limit (" + firstLine(t.getMessage()) + ")";
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
    }

    private static String bySqlState(String state, String message) {
        String name = quoted(message);
        return switch (state) {
            case INVALID_AUTHORIZATION -> message.toLowerCase(Locale.ROOT).contains("role")
                    ? "no such role " + name + ": create it (createuser " + bare(name)
                            + ") or set jdbc-user (TOLLGATE_JDBC_USER) to an existing one"
                    : "not authorized: " + firstLine(message);
            case INVALID_PASSWORD -> "authentication failed for user " + name
                    + ": check jdbc-password (TOLLGATE_JDBC_PASSWORD) and pg_hba.conf";
            case NO_SUCH_DATABASE -> "no such database " + name + ": create it (createdb -O <user> " + bare(name)
                    + ") or name an existing one in jdbc-url";
            default -> null;
        };
    }

    /** Flyway's validation of applied migrations this build does not have: a newer Tollgate wrote them. */
    private static boolean newerSchema(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("not resolved locally") || lower.contains("newer than")
                || lower.contains("applied migration") && lower.contains("resolved");
    }

    private static String quoted(String message) {
        Matcher m = QUOTED.matcher(message);
        return m.find() ? "\"" + m.group(1) + "\"" : "(unnamed)";
    }

    private static String bare(String quoted) {
        return quoted.replace("\"", "");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }
}
