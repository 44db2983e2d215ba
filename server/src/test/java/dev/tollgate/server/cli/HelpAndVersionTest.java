package dev.tollgate.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code tollgate --help} and its kin say (issue 9, point 6): every option described, one list
 * format, the default tenant named, and {@code help} and {@code version} as commands.
 */
class HelpAndVersionTest {

    /** The version Maven built (server/pom.xml passes it to the tests). */
    private static final String PROJECT_VERSION = System.getProperty("tollgate.version");

    @Test
    void helpWhenAnyCommandThenEveryOptionAndParameterHasADescription() {
        List<String> undescribed = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            List<ArgSpec> args = new ArrayList<>(command.options());
            args.addAll(command.positionalParameters());
            for (ArgSpec arg : args) {
                if (String.join("", arg.description()).isBlank()) {
                    undescribed.add(command.qualifiedName() + " " + name(arg));
                }
            }
        }

        assertThat(everyCommand()).hasSizeGreaterThan(30);
        assertThat(undescribed).isEmpty();
    }

    @Test
    void optionsWhenMultiValuedThenCommaSeparatedAndRepeatableWithAPluralAndASingularName() {
        List<String> seen = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            for (OptionSpec option : command.options()) {
                if (!option.isMultiValue()) {
                    continue;
                }
                seen.add(command.qualifiedName() + " " + option.longestName());
                assertThat(option.splitRegex()).as(option.longestName()).isEqualTo(",");
                assertThat(option.arity().max()).as("one value per occurrence, repeatable").isEqualTo(1);
                assertThat(option.names()).as(command.qualifiedName()).hasSize(2);
                assertThat(option.longestName()).endsWith("s");
                assertThat(ListValues.OPTIONS).contains(option.longestName());
            }
        }

        assertThat(seen).contains("tollgate client create --scopes", "tollgate client update --audiences",
                "tollgate admin create --capabilities", "tollgate token --scopes");
    }

    @Test
    void tenantOptionWhenItMayBeLeftOutThenSaysItDefaultsToTheDefaultTenant() {
        List<String> defaulted = new ArrayList<>();
        for (CommandSpec command : everyCommand()) {
            OptionSpec tenant = command.findOption("--tenant");
            if (tenant == null || tenant.required()) {
                continue;
            }
            defaulted.add(command.qualifiedName());
            assertThat(String.join(" ", tenant.description())).as(command.qualifiedName())
                    .contains("default tenant").contains("default-tenant").contains("10001");
        }

        assertThat(defaulted).contains("tollgate client list", "tollgate scope delete", "tollgate admin reset-password",
                "tollgate keys rotate", "tollgate tenant set", "tollgate token", "tollgate token verify",
                "tollgate serve");
    }

    @Test
    void helpWhenTopLevelThenEndsWithTheListFormatTheDefaultTenantAndExamples() {
        Cli.Run help = Cli.run("--help");

        assertThat(help.exitCode()).isZero();
        String footer = help.out().substring(help.out().indexOf("Options that take several values"));
        assertThat(footer.replaceAll("\\s+", " "))
                .contains("(--scopes, --audiences, --authorities, --capabilities, --allowed-authorities,"
                        + " --allowed-audiences, --jwk-files, --claims, --algorithms; the singular names work too)")
                .contains("comma-separated, repeated, or both: --scopes users:read,users:write --scopes orders:read")
                .contains("--tenant defaults to the default tenant (key default-tenant, env TOLLGATE_DEFAULT_TENANT,"
                        + " 10001)")
                .contains("./tollgate client create --name reporting --scopes users:read");
    }

    @Test
    void helpCommandWhenACommandNamedThenPrintsItsUsage() {
        Cli.Run help = Cli.run("help", "client");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: tollgate client").contains("update").contains("rotate-secret");
    }

    @Test
    void helpCommandWhenNoCommandThenPrintsTheTopLevelUsage() {
        Cli.Run help = Cli.run("help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: tollgate").contains("version").contains("Options that take");
    }

    @Test
    void versionCommandWhenRunThenPrintsTheProjectVersion() {
        Cli.Run version = Cli.run("version");

        assertThat(PROJECT_VERSION).isNotBlank();
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).isEqualTo("tollgate " + PROJECT_VERSION + System.lineSeparator());
    }

    @Test
    void versionOptionWhenOnTheCommandOrASubcommandThenTheSameVersion() {
        assertThat(Cli.run("--version").out()).isEqualTo("tollgate " + PROJECT_VERSION + System.lineSeparator());
        assertThat(Cli.run("client", "update", "-V").out())
                .isEqualTo("tollgate " + PROJECT_VERSION + System.lineSeparator());
    }

    private static List<CommandSpec> everyCommand() {
        List<CommandSpec> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandSpec> into) {
        into.add(command.getCommandSpec());
        command.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }
}
