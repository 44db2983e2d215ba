package dev.tollgate.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tollgate version}: the same line as {@code tollgate --version}, for those who type commands. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Tollgate's version.")
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(new VersionProvider().getVersion()[0]);
        spec.commandLine().getOut().flush();
    }
}
