package dev.tollgate.store;

import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Connections, transactions and error translation for the repositories of one store.
 *
 * <p>A transaction binds its connection to the current thread; every repository call the thread
 * makes until it ends uses that connection. Outside a transaction, each call borrows an auto-commit
 * connection from the pool for as long as it runs.
 *
 * <p>Failures behave the same on H2 and PostgreSQL (PostgreSQL alone would refuse every statement
 * after a failed one until the transaction ends):
 * <ul>
 *   <li>a write that fails inside a transaction is undone to a savepoint, so a caller that catches,
 *       say, a {@link DuplicateException} can carry on in the same transaction;</li>
 *   <li>an exception that leaves a nested {@link #inTransaction} marks the whole transaction
 *       rollback-only: the outermost call then rolls back and throws even if the exception was
 *       caught in between, because the nested block's half-done work can't be told apart.</li>
 * </ul>
 */
final class Database {

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final class Transaction {
        final Connection connection;
        boolean rollbackOnly;

        Transaction(Connection connection) {
            this.connection = connection;
        }
    }

    private final DataSource dataSource;
    private final ThreadLocal<Transaction> current = new ThreadLocal<>();

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** See {@link dev.tollgate.core.store.Store#inTransaction(Supplier)}. */
    <T> T inTransaction(Supplier<T> work) {
        Transaction joined = current.get();
        if (joined != null) {
            try {
                return work.get();
            } catch (RuntimeException | Error e) {
                joined.rollbackOnly = true;
                throw e;
            }
        }
        Connection connection = borrow("start a transaction");
        Transaction tx = new Transaction(connection);
        current.set(tx);
        try {
            connection.setAutoCommit(false);
            T result = work.get();
            if (tx.rollbackOnly) {
                throw new StoreException("transaction rolled back: a nested transaction failed");
            }
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw translate("commit a transaction", e);
        } catch (RuntimeException | Error e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            current.remove();
            release(connection);
        }
    }

    boolean inTransaction() {
        return current.get() != null;
    }

    /** Reads: on the transaction's connection, or an auto-commit one. */
    <T> T read(String what, SqlWork<T> work) {
        Transaction tx = current.get();
        if (tx != null) {
            try {
                return work.run(tx.connection);
            } catch (SQLException e) {
                throw translate(what, e);
            }
        }
        Connection connection = borrow(what);
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(what, e);
        } finally {
            release(connection);
        }
    }

    /**
     * A single write statement: auto-committed outside a transaction; inside one, undone to a
     * savepoint if it fails, so the transaction stays usable.
     */
    <T> T write(String what, SqlWork<T> work) {
        return current.get() != null ? atomically(what, work) : read(what, work);
    }

    /**
     * Prunes rows older than a moment: {@code delete} is a {@code DELETE} whose one parameter is that
     * instant (as the store keeps instants, nanoseconds since the epoch). @return rows deleted
     */
    int deleteUpTo(String what, String delete, Instant instant) {
        return write(what, c -> {
            try (PreparedStatement s = c.prepareStatement(delete)) {
                setInstant(s, 1, instant);
                return s.executeUpdate();
            }
        });
    }

    /**
     * Writes that take effect together or not at all, and that leave a surrounding transaction
     * usable when they fail. Outside a transaction they get one of their own; inside, a savepoint.
     * Any exception from {@code work} undoes them.
     */
    <T> T atomically(String what, SqlWork<T> work) {
        Transaction tx = current.get();
        if (tx != null) {
            Connection connection = tx.connection;
            Savepoint savepoint;
            try {
                savepoint = connection.setSavepoint();
            } catch (SQLException e) {
                throw translate(what, e);
            }
            try {
                T result = work.run(connection);
                connection.releaseSavepoint(savepoint);
                return result;
            } catch (SQLException e) {
                rollbackQuietly(connection, savepoint, e);
                throw translate(what, e);
            } catch (RuntimeException | Error e) {
                rollbackQuietly(connection, savepoint, e);
                throw e;
            }
        }
        Connection connection = borrow(what);
        try {
            connection.setAutoCommit(false);
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw translate(what, e);
        } catch (RuntimeException | Error e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            release(connection);
        }
    }

    private Connection borrow(String what) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": no database connection", e);
        }
    }

    private static void release(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // The pool resets and, if need be, evicts the connection anyway.
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing left to do with it.
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void rollbackQuietly(Connection connection, Savepoint savepoint, Throwable cause) {
        try {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * A {@link DuplicateException} for unique-key violations (SQLState 23505 on both databases; H2's
     * older 23001), a {@link StoreException} for everything else. The driver's message stays in the
     * cause: PostgreSQL's can quote row values.
     */
    static RuntimeException translate(String what, SQLException e) {
        if (isUniqueViolation(e)) {
            return new DuplicateException("cannot " + what + ": it already exists", e);
        }
        String state = e.getSQLState();
        return new StoreException("cannot " + what + (state == null ? "" : " (SQLState " + state + ")"), e);
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    String state = s.getSQLState();
                    if ("23505".equals(state) || "23001".equals(state)) {
                        return true;
                    }
                    if (s.getNextException() == s) {
                        break;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    // ---- value conversions shared by the repositories ----

    /** Nanoseconds since the epoch: exact for every instant between 1677 and 2262. */
    static long nanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant " + instant + " is outside what a store keeps (years 1677-2262)");
        }
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, nanos(instant));
        }
    }

    static Instant getInstant(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : instant(value);
    }

    /** A list column, space-delimited ('' for none) as V1 stores lists. */
    static List<String> spaceDelimited(String column) {
        return column.isEmpty() ? List.of() : List.of(column.split(" "));
    }

    static void setNullableString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
