package dev.tollgate.server.ops;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured, so it does not print "There is no Helidon logging
 * implementation on classpath" to stderr at start. Its java.util.logging output already reaches
 * Logback through the SLF4J bridge that {@code Main} installs; Helidon's own SLF4J module is not
 * published for the Helidon version used here.
 */
public final class HelidonLogging implements LoggingProvider {

    @Override
    public void initialization() {
        // Configured by logback.xml before Helidon starts.
    }

    @Override
    public void runTime() {
        // Nothing changes at run time.
    }
}
