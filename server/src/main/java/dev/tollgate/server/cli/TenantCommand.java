package dev.tollgate.server.cli;

import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Create, list and configure tenants.",
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Set.class})
final class TenantCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a tenant with its scopes, keys and two default credentials; prints their secrets once.")
    static final class Create extends StoreCommand {
        @Option(names = "--tenant", required = true, description = "Tenant id, e.g. 10002.")
        String tenant;

        @Option(names = "--name", description = "Display name.")
        String name;

        @Option(names = "--algorithm", defaultValue = "ES256", description = "Signing algorithm: ES256, RS256, PS256 or EdDSA.")
        String algorithm;

        @Override
        void run(Tollgate app, PrintWriter out) {
            var created = app.tenants().create(TenantId.of(tenant), name,
                    TenantSettings.DEFAULTS.withSigningAlgorithm(SigningAlgorithm.parse(algorithm)));
            ServeCommand.printSecretsOnce(out, created);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class ListTenants extends StoreCommand {
        @Override
        void run(Tollgate app, PrintWriter out) {
            for (Tenant t : app.tenants().list()) {
                out.printf("%-16s %-8s allow-query-credentials=%s  %s%n", t.id(), t.settings().signingAlgorithm(),
                        t.settings().allowQueryCredentials(), t.name());
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a tenant's settings.")
    static final class Set extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--" + TenantSettings.ALLOW_QUERY_CREDENTIALS, arity = "1",
                description = "Accept client credentials in the URL query string (RFC 6749 §2.3.1 forbids it; off by default).")
        Boolean allowQueryCredentials;

        @Option(names = "--algorithm", description = "Algorithm of keys generated from now on (takes effect over two rotations).")
        String algorithm;

        @Option(names = "--default-audience", description = "aud of tokens for clients without allowed audiences.")
        String defaultAudience;

        @Override
        void run(Tollgate app, PrintWriter out) {
            Tenant updated = app.tenants().updateSettings(TenantId.of(tenant), settings -> {
                TenantSettings s = settings;
                if (allowQueryCredentials != null) {
                    s = s.withAllowQueryCredentials(allowQueryCredentials);
                }
                if (algorithm != null) {
                    s = s.withSigningAlgorithm(SigningAlgorithm.parse(algorithm));
                }
                if (defaultAudience != null) {
                    s = s.withDefaultAudience(defaultAudience);
                }
                return s;
            });
            out.println("Tenant " + updated.id() + ": " + updated.settings());
        }
    }
}
