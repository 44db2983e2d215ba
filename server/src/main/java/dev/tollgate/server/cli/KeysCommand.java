package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "List and rotate a tenant's signing keys.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Revoke.class, KeysCommand.ListKeys.class})
final class KeysCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "NEXT starts signing, CURRENT retires (published until its tokens expire), a new NEXT is published.")
    static final class Rotate extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, tenant(), app.adminOperations().keys().rotate(Actor.cli(tenant()), tenant()));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Remove a key that may be compromised: it leaves the JWKS at once and every token it signed"
                    + " is refused; if it was signing, NEXT takes over and a new NEXT is published. A running"
                    + " server sees it within its cache bound; clients fetch new tokens.")
    static final class Revoke extends StoreCommand.InTenant {
        @picocli.CommandLine.Option(names = "--kid", paramLabel = "KID", required = true,
                description = "The key to remove (see keys list).")
        String kid;

        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, tenant(), app.adminOperations().keys().revoke(Actor.cli(tenant()), tenant(), kid));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List signing keys (public facts only).")
    static final class ListKeys extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, tenant(), app.adminOperations().keys().list(Actor.cli(tenant()), tenant()));
        }
    }

    static void print(PrintWriter out, TenantId tenant, List<SigningKey> keys) {
        Table table = new Table("KID", "ALGORITHM", "STATE", "CREATED", "PUBLISHED_UNTIL");
        for (SigningKey k : keys) {
            table.row(k.kid(), k.algorithm(), k.state(), k.createdAt(), k.publishUntil());
        }
        table.print(out, "No signing keys in tenant " + tenant + ".");
    }
}
