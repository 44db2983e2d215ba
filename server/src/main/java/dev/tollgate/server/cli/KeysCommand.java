package dev.tollgate.server.cli;

import dev.tollgate.core.key.SigningKey;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "List and rotate a tenant's signing keys.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.ListKeys.class})
final class KeysCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "NEXT starts signing, CURRENT retires (published until its tokens expire), a new NEXT is published.")
    static final class Rotate extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.keys().rotate(TenantId.of(tenant)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List signing keys (public facts only).")
    static final class ListKeys extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.keys().list(TenantId.of(tenant)));
        }
    }

    static void print(PrintWriter out, List<SigningKey> keys) {
        for (SigningKey k : keys) {
            out.printf("%-36s %-6s %-8s created %s%s%n", k.kid(), k.algorithm(), k.state(), k.createdAt(),
                    k.publishUntil() == null ? "" : "  published until " + k.publishUntil());
        }
    }
}
