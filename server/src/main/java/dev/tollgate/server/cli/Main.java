package dev.tollgate.server.cli;

import dev.tollgate.server.ops.LogOutput;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tollgate}: the server and everything an operator scripts, in one jar. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
        description = "OAuth 2.0 authorization server for machine-to-machine API access.",
        subcommands = {
                ServeCommand.class,
                TenantCommand.class,
                ClientCommand.class,
                ScopeCommand.class,
                AdminCommand.class,
                ConfigCommand.class,
                KeysCommand.class,
                TokenCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        int code = run(args);
        LogOutput.flush();
        System.exit(code);
    }

    public static int run(String... args) {
        // Administrative commands print their results; only the server's own log is chatty by default.
        if ((args.length == 0 || !args[0].equals("serve")) && System.getProperty("TOLLGATE_LOG_LEVEL") == null
                && System.getenv("TOLLGATE_LOG_LEVEL") == null) {
            System.setProperty("TOLLGATE_LOG_LEVEL", "WARN");
        }
        // Before the first logger exists: logback.xml picks its appender from this property.
        System.setProperty("TOLLGATE_LOG_FORMAT", LogOutput.resolve(System.getenv("TOLLGATE_LOG_FORMAT")));
        // Helidon logs through java.util.logging; send it where our own logs go.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return 1;
                })
                .execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
