package dev.tollgate.server.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version, from {@code version.properties}, which the build fills in (server/pom.xml
 * filters that one resource). A resource rather than the manifest's Implementation-Version: it is
 * the same in the shaded jar and on the test classpath, where there is no manifest.
 */
final class TollgateVersion implements IVersionProvider {

    static final String VERSION = read();

    @Override
    public String[] getVersion() {
        return new String[] {"tollgate " + VERSION};
    }

    private static String read() {
        try (InputStream in = TollgateVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
