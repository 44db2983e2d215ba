package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "scope", mixinStandardHelpOptions = true, description = "Define a tenant's scopes.",
        subcommands = {ScopeCommand.Create.class, ScopeCommand.ListScopes.class})
final class ScopeCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Define a scope.")
    static final class Create extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--description", defaultValue = "")
        String description;

        @Override
        void run(Tollgate app, PrintWriter out) {
            app.adminOperations().createScope(Actor.cli(TenantId.of(tenant)), TenantId.of(tenant),
                    new ScopeDefinition(new ScopeName(name), description));
            out.println("created scope " + name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's scopes.")
    static final class ListScopes extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        void run(Tollgate app, PrintWriter out) {
            for (ScopeDefinition s : app.scopes().list(TenantId.of(tenant))) {
                out.printf("%-32s %s%n", s.name(), s.description());
            }
        }
    }
}
