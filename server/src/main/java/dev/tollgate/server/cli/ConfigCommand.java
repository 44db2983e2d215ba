package dev.tollgate.server.cli;

import dev.tollgate.server.config.ConfigException;
import dev.tollgate.server.config.ConfigKey;
import dev.tollgate.server.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Check or describe the configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration (file, environment, and serve's flags given here) without starting; "
                    + "prints the effective values, secrets masked. Exit code 0 when valid, 2 when not.")
    static final class Check implements Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<ConfigKey, String> flags = ConfigOptions.flags();
            store.addFlags(flags);
            PrintWriter out = spec.commandLine().getOut();
            try {
                ConfigLoader.Loaded loaded = store.config.load(flags);
                out.println("configuration is valid" + (store.config.file == null ? "" : " (" + store.config.file + ")"));
                ConfigLoader.describe(loaded).forEach((key, value) -> out.printf("  %-36s %s%n", key, value));
                out.flush();
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                spec.commandLine().getErr().flush();
                return ServeCommand.EXIT_CONFIG;
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "Print every key with its environment variable and default, as a Markdown table.")
    static final class Keys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("| key | environment variable | default | meaning |");
            out.println("|---|---|---|---|");
            for (ConfigKey key : ConfigKey.values()) {
                out.printf("| `%s` | `%s` | %s | %s |%n", key.key(), key.envName(),
                        key.defaultValue().isEmpty() ? "(unset)" : "`" + key.defaultValue() + "`",
                        key.description().replace("|", "\\|"));
            }
            out.flush();
            return 0;
        }
    }
}
