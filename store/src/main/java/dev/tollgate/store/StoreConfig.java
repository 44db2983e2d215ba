package dev.tollgate.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a store keeps its data: either an embedded H2 database in a data directory, or a database
 * server reached by a JDBC URL (PostgreSQL in production; any URL whose driver is on the class path
 * works, which tests use for H2).
 *
 * <p>Exactly one of {@code dataDirectory} and {@code jdbcUrl} is set. The password never appears in
 * {@link #toString()} or {@link #describe()}.
 *
 * @param dataDirectory the embedded store's directory; null for a JDBC store
 * @param jdbcUrl       the JDBC store's URL; null for the embedded store
 * @param user          JDBC user; null lets the driver decide (or, embedded, the fixed local user)
 * @param password      JDBC password; null for none
 * @param poolSize      most connections the pool opens
 */
public record StoreConfig(Path dataDirectory, String jdbcUrl, String user, String password, int poolSize) {

    /** The embedded store's directory when none is configured: {@code ./data}. */
    public static final Path DEFAULT_DATA_DIRECTORY = Path.of("data");

    public static final int DEFAULT_POOL_SIZE = 10;

    /** The H2 database's file name inside the data directory (H2 appends {@code .mv.db}). */
    static final String EMBEDDED_DATABASE_NAME = "tollgate";

    /**
     * The embedded database's user. Every process that opens the data directory (the server and
     * the CLI) must use the same one; the directory's file permissions are what protect it.
     */
    static final String EMBEDDED_USER = "sa";

    /** @throws IllegalArgumentException one line per bad field, each starting with its name */
    public StoreConfig {
        if ((dataDirectory == null) == (jdbcUrl == null)) {
            throw new IllegalArgumentException("jdbcUrl: a store needs either a data directory or a JDBC URL, not both");
        }
        List<String> problems = new ArrayList<>();
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
            problems.add("jdbcUrl: must start with 'jdbc:'");
        }
        if (dataDirectory != null) {
            if (user != null || password != null) {
                problems.add("user: the embedded store takes no user or password");
            }
            // H2 reads ';' as the start of its settings, so such a path would open another database.
            if (dataDirectory.toString().indexOf(';') >= 0) {
                problems.add("dataDirectory: must not contain ';'");
            }
        }
        if (poolSize < 1 || poolSize > 1000) {
            problems.add("poolSize: must be from 1 to 1000");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        if (user != null && user.isEmpty()) {
            user = null;
        }
    }

    /** The embedded store in {@code ./data}. */
    public static StoreConfig embedded() {
        return embedded(DEFAULT_DATA_DIRECTORY);
    }

    /** The embedded store in {@code dataDirectory}, which is created (owner-only) if it doesn't exist. */
    public static StoreConfig embedded(Path dataDirectory) {
        return new StoreConfig(Objects.requireNonNull(dataDirectory, "dataDirectory"), null, null, null,
                DEFAULT_POOL_SIZE);
    }

    /** A database server, e.g. {@code jdbc:postgresql://db:5432/tollgate}; user and password may be null. */
    public static StoreConfig jdbc(String jdbcUrl, String user, String password) {
        return new StoreConfig(null, Objects.requireNonNull(jdbcUrl, "jdbcUrl"), user, password, DEFAULT_POOL_SIZE);
    }

    public StoreConfig withPoolSize(int size) {
        return new StoreConfig(dataDirectory, jdbcUrl, user, password, size);
    }

    public boolean isEmbedded() {
        return dataDirectory != null;
    }

    /**
     * The URL the pool connects to. For the embedded store, an H2 file database with
     * <ul>
     *   <li>{@code AUTO_SERVER=TRUE}: the first process to open it serves it to the others, so the
     *       CLI can work on the same directory while a server runs;</li>
     *   <li>{@code WRITE_DELAY=0}: every commit is written to the file before it returns. H2's
     *       default (500 ms) wrote commits in the background, so a kill -9 lost changes that had
     *       already been answered 201 (issue 13). H2 writes without fsync, so the commit is in the
     *       operating system's cache: it survives the process, not a power loss (docs/OPERATIONS.md);</li>
     *   <li>{@code TRACE_LEVEL_FILE=0}: no {@code tollgate.trace.db}. H2 created it world-readable
     *       and, on a full disk, kept appending the same error to it until it filled the space
     *       that had just been freed; every failure reaches our log through the exception anyway.</li>
     * </ul>
     */
    public String connectionUrl() {
        if (!isEmbedded()) {
            return jdbcUrl;
        }
        Path file = dataDirectory.toAbsolutePath().normalize().resolve(EMBEDDED_DATABASE_NAME);
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE;WRITE_DELAY=0;TRACE_LEVEL_FILE=0";
    }

    /** The user the pool connects as. */
    public String connectionUser() {
        return isEmbedded() ? EMBEDDED_USER : user;
    }

    /** The password the pool connects with; empty rather than null. */
    public String connectionPassword() {
        return isEmbedded() || password == null ? "" : password;
    }

    /**
     * Where the key-encryption key file is when none is configured: next to the embedded store's
     * data directory ({@code ./data} → {@code ./data.kek}), outside it, so that a copy of the
     * directory does not carry the key that opens it; for a database server, {@code ./tollgate.kek},
     * which every node must share (docs/OPERATIONS.md).
     */
    public Path defaultKeyEncryptionKeyFile() {
        if (!isEmbedded()) {
            return Path.of("tollgate.kek").toAbsolutePath();
        }
        Path directory = dataDirectory.toAbsolutePath().normalize();
        Path name = directory.getFileName();
        return directory.resolveSibling((name == null ? "tollgate" : name.toString()) + ".kek");
    }

    /** True when the URL names a PostgreSQL database. */
    public boolean isPostgres() {
        return !isEmbedded() && jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * A one-line description for logs: {@code embedded H2 at /srv/tollgate/data} or
     * {@code PostgreSQL at jdbc:postgresql://db:5432/tollgate as tollgate}. URL parameters are left
     * out, since a driver may take a password there.
     */
    public String describe() {
        if (isEmbedded()) {
            return "embedded H2 at " + dataDirectory.toAbsolutePath().normalize();
        }
        String kind;
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            kind = "PostgreSQL";
        } else if (lower.startsWith("jdbc:h2:")) {
            kind = "H2";
        } else {
            kind = "database";
        }
        return kind + " at " + redact(jdbcUrl) + (user == null ? "" : " as " + user);
    }

    /** The URL without its parameters ({@code ?...}, {@code ;...}) or user information ({@code //user:pw@}). */
    static String redact(String url) {
        int end = url.length();
        for (char c : new char[] {'?', ';', '&', '#'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String base = url.substring(0, end);
        int authority = base.indexOf("//");
        if (authority >= 0) {
            int at = base.indexOf('@', authority + 2);
            int slash = base.indexOf('/', authority + 2);
            if (at >= 0 && (slash < 0 || at < slash)) {
                base = base.substring(0, authority + 2) + base.substring(at + 1);
            }
        }
        return base;
    }

    @Override
    public String toString() {
        return "StoreConfig[" + describe() + ", poolSize=" + poolSize
                + (password == null ? "" : ", password=****") + "]";
    }
}
