package dev.tollgate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every event of every logger at TRACE (java.util.logging bridged too, as the CLI bridges it), encoded
 * to the bytes the production JSON appender writes. {@link #close()} puts levels, bridge and appenders
 * back as they were.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final LogstashEncoder encoder = new LogstashEncoder();
    private final List<String> lines = new ArrayList<>();
    private final List<String> access = new ArrayList<>();
    private final Map<Logger, Level> savedLevels = new LinkedHashMap<>();
    private final java.util.logging.Level savedJulLevel = java.util.logging.Logger.getLogger("").getLevel();
    private final boolean bridgeWasInstalled = SLF4JBridgeHandler.isInstalled();

    private CapturedLogs() {
    }

    public static CapturedLogs everythingAtTrace() {
        CapturedLogs capture = new CapturedLogs();
        capture.begin();
        return capture;
    }

    private void begin() {
        encoder.setContext(context);
        encoder.start();
        setContext(context);
        start();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                savedLevels.put(logger, logger.getLevel());
                logger.setLevel(Level.TRACE);
            }
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
        if (!bridgeWasInstalled) {
            SLF4JBridgeHandler.install();
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.ALL);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        lines.add(line);
        if (event.getLoggerName().equals("tollgate.access")) {
            access.add(line);
        }
        notifyAll();
    }

    /** Every line captured so far, one JSON object each. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * The lines of the {@code tollgate.access} logger, once there are {@code expected} of them or after
     * 5 seconds: the access line is written after the answer is sent, so it may trail the response a little.
     */
    public synchronized List<String> awaitAccessLines(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (access.size() < expected && System.nanoTime() < deadline) {
            wait(100);
        }
        return List.copyOf(access);
    }

    @Override
    public void close() {
        java.util.logging.Logger.getLogger("").setLevel(savedJulLevel);
        if (!bridgeWasInstalled) {
            SLF4JBridgeHandler.uninstall();
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
        encoder.stop();
        savedLevels.forEach(Logger::setLevel);
    }
}
