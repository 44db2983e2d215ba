package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Manage a tenant's console admins.",
        subcommands = {AdminCommand.Create.class, AdminCommand.ListAdmins.class})
final class AdminCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an admin with a generated password, printed once and changed at first login.")
    static final class Create extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--username", required = true)
        String username;

        @Option(names = "--role", defaultValue = "admin", description = "admin or additional_admin (default: ${DEFAULT-VALUE})")
        String role;

        @Option(names = "--capability", split = ",",
                description = "for an additional admin: manage_client_credentials, manage_scopes, manage_users, manage_admins, view_audit")
        List<String> capabilities = List.of();

        @Override
        void run(Tollgate app, PrintWriter out) {
            AdminRole adminRole = AdminRole.valueOf(role.toUpperCase(Locale.ROOT));
            Set<Capability> granted = EnumSet.noneOf(Capability.class);
            for (String name : capabilities) {
                granted.add(Capability.fromWireName(name)
                        .orElseThrow(() -> new IllegalArgumentException("unknown capability " + name)));
            }
            TenantId id = TenantId.of(tenant);
            AdminWithPassword created = app.adminOperations().createAdmin(Actor.cli(id), id, username, adminRole, granted);
            out.println("created admin " + created.admin().username() + " (" + created.admin().id() + ")");
            out.println("password (shown only now; it must be changed at first login): " + created.password());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's admins.")
    static final class ListAdmins extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        void run(Tollgate app, PrintWriter out) {
            TenantId id = TenantId.of(tenant);
            for (Admin admin : app.adminOperations().listAdmins(Actor.cli(id), id)) {
                out.printf("%-36s %-24s %-16s %s%n", admin.id(), admin.username(),
                        admin.role().name().toLowerCase(Locale.ROOT),
                        admin.effectiveCapabilities().stream().map(Capability::wireName).sorted()
                                .collect(Collectors.joining(",")));
            }
        }
    }
}
