package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Manage a tenant's console admins.",
        subcommands = {AdminCommand.Create.class, AdminCommand.ListAdmins.class, AdminCommand.Delete.class,
                AdminCommand.ResetPassword.class})
final class AdminCommand {

    static final String USERNAME = "The admin's username (./tollgate admin list shows them).";

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an admin with a generated password, printed once and changed at first login.")
    static final class Create extends StoreCommand.InTenant {
        @Option(names = "--username", paramLabel = "NAME", required = true,
                description = "Login name: 1-64 letters, digits, '.', '_', '@' or '-'; unique in the tenant, in any case.")
        String username;

        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "admin",
                description = "admin (everything in the tenant) or additional_admin (the capabilities given; default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = {"--capabilities", "--capability"}, paramLabel = "CAPABILITY", split = ListValues.SPLIT,
                description = "For an additional admin: manage_client_credentials, manage_scopes, manage_users,"
                        + " manage_admins, view_audit.")
        List<String> capabilities = List.of();

        @Override
        void run(Tollgate app, PrintWriter out) {
            AdminRole adminRole = Arrays.stream(AdminRole.values())
                    .filter(r -> r.name().equalsIgnoreCase(role)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown role " + role
                            + ": admin or additional_admin"));
            Set<Capability> granted = EnumSet.noneOf(Capability.class);
            for (String name : ListValues.of(capabilities)) {
                granted.add(Capability.fromWireName(name)
                        .orElseThrow(() -> new IllegalArgumentException("unknown capability " + name)));
            }
            AdminWithPassword created = app.adminOperations().administrators().create(Actor.cli(tenant()), tenant(), username,
                    adminRole, granted);
            out.println("created admin " + created.admin().username() + " (" + created.admin().id() + ")");
            out.println("password (shown only now; it must be changed at first login): " + created.password());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's admins.")
    static final class ListAdmins extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            Table table = new Table("ID", "USERNAME", "ROLE", "CAPABILITIES");
            for (Admin admin : app.adminOperations().administrators().list(Actor.cli(tenant()), tenant())) {
                table.row(admin.id(), admin.username(), admin.role().name().toLowerCase(Locale.ROOT),
                        admin.effectiveCapabilities().stream().map(Capability::wireName).sorted()
                                .collect(Collectors.joining(ListValues.SPLIT)));
            }
            table.print(out, "No admins in tenant " + tenant() + ". ./tollgate admin create --tenant " + tenant()
                    + " --username NAME creates one.");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an admin and end their sessions; the tenant keeps at least one admin with role admin.")
    static final class Delete extends StoreCommand.InTenant {
        @Option(names = "--username", paramLabel = "NAME", required = true, description = USERNAME)
        String username;

        @Override
        void run(Tollgate app, PrintWriter out) {
            Admin admin = find(app, this, username);
            app.adminOperations().administrators().delete(Actor.cli(tenant()), tenant(), admin.id());
            out.println("deleted admin " + admin.username() + " (" + admin.id() + ")");
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            description = "Give an admin a new generated password, printed once and changed at their next login;"
                    + " ends their sessions.")
    static final class ResetPassword extends StoreCommand.InTenant {
        @Option(names = "--username", paramLabel = "NAME", required = true, description = USERNAME)
        String username;

        @Override
        void run(Tollgate app, PrintWriter out) {
            Admin admin = find(app, this, username);
            AdminWithPassword reset = app.adminOperations().administrators().resetPassword(Actor.cli(tenant()), tenant(), admin.id());
            out.println("new password for admin " + reset.admin().username()
                    + " (shown only now; it must be changed at the next login): " + reset.password());
        }
    }

    /** Usernames are unique in a tenant regardless of case, so one matches at most. */
    private static Admin find(Tollgate app, StoreCommand.InTenant command, String username) {
        return app.adminOperations().administrators().list(Actor.cli(command.tenant()), command.tenant()).stream()
                .filter(a -> a.username().equalsIgnoreCase(username))
                .findFirst()
                .orElseThrow(() -> new AdminFailure.NotFound("no admin " + username + " in tenant " + command.tenant()));
    }
}
