package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.BuiltinScopes;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

@Command(name = "scope", mixinStandardHelpOptions = true, description = "Define a tenant's scopes.",
        subcommands = {ScopeCommand.Create.class, ScopeCommand.ListScopes.class, ScopeCommand.Delete.class})
final class ScopeCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Define a scope.")
    static final class Create extends StoreCommand.InTenant {
        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "The scope as clients ask for it and tokens carry it, e.g. orders:read.")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "",
                description = "What the scope allows, shown in the console and in scope list (default: none).")
        String description;

        @Override
        void run(Tollgate app, PrintWriter out) {
            app.adminOperations().scopes().create(Actor.cli(tenant()), tenant(),
                    new ScopeDefinition(new ScopeName(name), description));
            out.println("created scope " + name);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's scopes.")
    static final class ListScopes extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            Table table = new Table("NAME", "BUILT_IN", "DESCRIPTION");
            for (ScopeDefinition s : app.adminOperations().scopes().list(Actor.cli(tenant()), tenant())) {
                table.row(s.name(), BuiltinScopes.contains(s.name()) ? "yes" : "no", s.description());
            }
            table.print(out, "No scopes in tenant " + tenant() + ".");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a scope that no client is allowed any more; built-in scopes stay.")
    static final class Delete extends StoreCommand.InTenant {
        @Option(names = "--name", paramLabel = "NAME", required = true, description = "The scope to delete.")
        String name;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ScopeName scope = new ScopeName(name);
            try {
                app.adminOperations().scopes().delete(Actor.cli(tenant()), tenant(), scope);
            } catch (AdminFailure.Conflict e) {
                // The policy gives a count only (a scope manager may not see clients); the operator may, and
                // needs to know which clients to change. A built-in scope stays whoever holds it.
                List<ClientCredential> holders = BuiltinScopes.contains(scope) ? List.of()
                        : ClientCommand.all(app, tenant()).stream().filter(c -> c.allowedScopes().contains(scope)).toList();
                if (holders.isEmpty()) {
                    throw e;
                }
                throw new AdminFailure.Conflict(e.code(), e.getMessage() + " (" + holders.stream()
                        .map(c -> c.name() + " " + c.clientId()).collect(Collectors.joining(", "))
                        + "; ./tollgate client update --client-id ID --scopes ... changes a client's scopes)");
            }
            out.println("deleted scope " + name);
        }
    }
}
