package dev.tollgate.server.cli;

import dev.tollgate.core.store.StoreException;
import dev.tollgate.server.config.ConfigException;
import dev.tollgate.server.http.AdminProblem;
import dev.tollgate.server.ops.LogOutput;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tollgate}: the server and everything an operator scripts, in one jar. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "OAuth 2.0 authorization server for machine-to-machine API access.",
        subcommands = {
                ServeCommand.class,
                TenantCommand.class,
                ClientCommand.class,
                FederationCommand.class,
                ScopeCommand.class,
                AdminCommand.class,
                ConfigCommand.class,
                KeysCommand.class,
                SecretsCommand.class,
                TokenCommand.class,
                HelpCommand.class,
                VersionCommand.class,
        },
        // One element per paragraph: picocli wraps each at the usage width.
        footer = {
                "",
                "Options that take several values (" + ListValues.OPTIONS + "; the singular names"
                        + " work too) take them comma-separated, repeated, or both:",
                // Its own line: picocli may wrap after a comma, which would split the example.
                "  --scopes users:read,users:write --scopes orders:read",
                "",
                "--tenant defaults to the default tenant (key default-tenant, env TOLLGATE_DEFAULT_TENANT, 10001)."
                        + " The commands read --config FILE (env TOLLGATE_CONFIG) and the TOLLGATE_* environment;"
                        + " docs/CONFIGURATION.md lists the keys.",
                "",
                "Examples:",
                "  ./tollgate serve",
                "  ./tollgate client create --name reporting --scopes users:read",
                "  ./tollgate token --client-id ID --scopes users:read",
                "  ./tollgate help client",
                "  ./tollgate client update --help",
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
        return commandLine().execute(args);
    }

    /** Every command, as {@link #run} executes them; tests walk its specification. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + describe(e));
                    return 1;
                });
        giveVersion(commandLine);
        return commandLine;
    }

    /**
     * An administrative refusal as the admin API and console say it ({@link AdminProblem}), with
     * every field's problem; a bug as a reference into the log, never its message. A store or
     * configuration failure, or a file that can't be read, says its own cause: those messages are
     * written for the operator.
     */
    static String describe(Exception e) {
        if (e instanceof StoreException || e instanceof ConfigException || e instanceof java.io.UncheckedIOException) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        AdminProblem problem = AdminProblem.of(e);
        return problem.message();
    }

    /** {@code -V} on a subcommand prints the same version as on the top-level command, not an empty line. */
    private static void giveVersion(CommandLine command) {
        command.getCommandSpec().versionProvider(new VersionProvider());
        command.getSubcommands().values().forEach(Main::giveVersion);
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
