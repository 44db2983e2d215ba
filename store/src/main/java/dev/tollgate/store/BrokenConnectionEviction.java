package dev.tollgate.store;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/**
 * Tells the pool to drop connections the database can't serve again. HikariCP evicts on SQLState
 * class 08 and a few vendor codes, but when a write fails on a full disk, H2 closes the whole
 * embedded database ("General error", 50000) and answers every connection of it "The database has
 * been closed" (90098) with its own SQLState: the pool kept handing out dead connections until a
 * restart. Dropping them all makes the next borrow open a fresh connection, which reopens the
 * database, and that succeeds as soon as the disk has room again.
 */
final class BrokenConnectionEviction implements SQLExceptionOverride {

    // org.h2.api.ErrorCode: GENERAL_ERROR_1 (what a failed write raises before H2 closes the
    // database) and DATABASE_IS_CLOSED (what every connection of it says afterwards).
    private static final int H2_GENERAL_ERROR = 50000;
    private static final int H2_DATABASE_IS_CLOSED = 90098;

    private volatile Runnable evictAll = () -> { };

    /** What drops every connection of the pool, set once the pool exists. */
    void evictAllWith(Runnable evictAll) {
        this.evictAll = evictAll;
    }

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        if (closesTheEmbeddedDatabase(e)) {
            evictAll.run();
            return SQLExceptionOverride.Override.MUST_EVICT;
        }
        return e instanceof SQLNonTransientConnectionException
                ? SQLExceptionOverride.Override.MUST_EVICT
                : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }

    private static boolean closesTheEmbeddedDatabase(SQLException e) {
        return e.getClass().getName().startsWith("org.h2.")
                && (e.getErrorCode() == H2_GENERAL_ERROR || e.getErrorCode() == H2_DATABASE_IS_CLOSED);
    }
}
