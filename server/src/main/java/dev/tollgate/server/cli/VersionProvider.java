package dev.tollgate.server.cli;

import dev.tollgate.server.TollgateVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code tollgate version} and every command's {@code -V}: the version the banner and the console show. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"tollgate " + TollgateVersion.current()};
    }
}
