package dev.tollgate.store;

import dev.tollgate.core.admin.ChangeListener;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.tenant.TenantId;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Receives the changes other processes commit (the NOTIFYs of migration V10) on a connection of
 * its own, outside the pool (it is held for good), and tells a {@link ChangeListener}.
 *
 * <p>A notification sent while this listener was not connected is lost; PostgreSQL keeps none for
 * absent listeners. So after every (re)connection it tells the listener that everything may have
 * changed, and the caches' own staleness bounds remain the fallback for anything else missed.
 */
final class PostgresChangeListener implements Runnable {

    static final String CHANNEL = "tollgate_changes";

    /** How long one wait for notifications lasts: the bound on noticing {@link #stop()}. */
    private static final int WAIT_MILLIS = 500;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How long {@link #start()} waits for LISTEN, so that changes committed after a start are heard. */
    private static final Duration FIRST_LISTEN_WITHIN = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeListener.class);

    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final ChangeListener listener;
    private volatile boolean stopped;
    private volatile Thread thread;
    private final CountDownLatch listening = new CountDownLatch(1);

    PostgresChangeListener(Connector connector, ChangeListener listener) {
        this.connector = connector;
        this.listener = listener;
    }

    /**
     * Listens on a daemon thread until {@link #stop()}; returns once LISTEN took effect, or after
     * {@link #FIRST_LISTEN_WITHIN} (the thread keeps trying; the caches' bounds cover the meantime).
     */
    PostgresChangeListener start() {
        thread = Thread.ofPlatform().daemon().name("tollgate-change-listener").start(this);
        try {
            if (!listening.await(FIRST_LISTEN_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("change notifications not listening after {}; still trying", FIRST_LISTEN_WITHIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    void stop() {
        stopped = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            try (Connection connection = connector.connect()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                // Whatever was committed before LISTEN took effect was not heard.
                listener.everythingChanged();
                listening.countDown();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!stopped) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null) {
                        // A reload reads every live revocation: once per batch, not once per revoked token.
                        boolean revocations = false;
                        for (PGNotification notification : notifications) {
                            revocations |= dispatch(notification.getParameter());
                        }
                        if (revocations) {
                            listener.revocationsChanged();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!stopped) {
                    LOG.warn("change notifications interrupted, caches fall back to their staleness bounds;"
                            + " reconnecting in {}: {}", RETRY_AFTER, StoreFailure.explain(e));
                    LockSupport.parkNanos(RETRY_AFTER.toNanos());
                }
            }
        }
    }

    /**
     * Passes on one payload, {@code <kind> <tenant> <client>} (migration V10); anything else is ignored,
     * never trusted.
     *
     * @return whether it was a revocation, which the caller passes on once for its whole batch
     */
    boolean dispatch(String payload) {
        String[] parts = payload.split(" ", -1);
        if (parts.length != 3) {
            LOG.warn("ignoring change notification {}", payload);
            return false;
        }
        try {
            TenantId tenant = TenantId.of(parts[1]);
            switch (parts[0]) {
                case "tenant" -> listener.tenantChanged(tenant);
                case "client" -> listener.clientChanged(tenant, new ClientId(parts[2]));
                case "keys" -> listener.keysChanged(tenant);
                case "revocation" -> {
                    return true;
                }
                default -> LOG.warn("ignoring change notification {}", payload);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring change notification {}: {}", payload, e.getMessage());
        }
        return false;
    }
}
