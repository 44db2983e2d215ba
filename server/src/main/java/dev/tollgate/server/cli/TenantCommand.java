package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.TenantOperations;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Create, list and configure tenants.",
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class, TenantCommand.Set.class})
final class TenantCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a tenant with its scopes, keys, two default credentials and first console admin;"
                    + " prints the secrets and the admin's password once.")
    static final class Create extends StoreCommand {
        @Option(names = "--tenant", paramLabel = "ID", required = true,
                description = "Id of the new tenant: letters, digits, '-' and '_', e.g. 10002.")
        String tenant;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: none).")
        String name;

        @Option(names = "--" + TenantSettings.TOKEN_ENDPOINT_AUDIENCE, paramLabel = "true|false", arity = "1",
                description = "Accept a private_key_jwt client assertion whose aud is the token endpoint URL, besides"
                        + " the issuer (on by default, as OIDC Core and many client libraries send it; RFC 7523bis"
                        + " keeps only the issuer).")
        Boolean tokenEndpointAudience;

        @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ES256",
                description = "Signing algorithm: ES256, RS256, PS256 or EdDSA (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Override
        void run(Tollgate app, PrintWriter out) {
            TenantId id = TenantId.of(tenant);
            var created = app.adminOperations().tenants().create(Actor.cli(id), id, name,
                    TenantSettings.DEFAULTS.withSigningAlgorithm(SigningAlgorithm.parse(algorithm)));
            ServeCommand.printSecretsOnce(out, created);
            // As serve does for the default tenant, but through the audited operation: the log shows cli made it.
            AdminWithPassword admin = app.adminOperations().administrators().create(Actor.cli(id), id,
                    AdminAccounts.BOOTSTRAP_USERNAME, AdminRole.ADMIN, java.util.Set.of());
            ServeCommand.printAdminPasswordOnce(out, admin);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class ListTenants extends StoreCommand {
        @Override
        void run(Tollgate app, PrintWriter out) {
            Table table = new Table("TENANT", "ALGORITHM", "QUERY_CREDENTIALS", "KEY_ROTATION", "NAME");
            for (Tenant t : app.adminOperations().tenants().list()) {
                table.row(t.id(), t.settings().signingAlgorithm(),
                        t.settings().allowQueryCredentials() ? "allowed" : "refused",
                        TenantOperations.formatKeyRotationInterval(t.settings().keyRotationInterval()), t.name());
            }
            table.print(out, "No tenants yet: ./tollgate serve creates the default tenant at its first start,"
                    + " ./tollgate tenant create --tenant ID creates one.");
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a tenant's settings.")
    static final class Set extends StoreCommand.InTenant {
        @Option(names = "--" + TenantSettings.ALLOW_QUERY_CREDENTIALS, paramLabel = "true|false", arity = "1",
                description = "Accept client credentials in the URL query string (RFC 6749 §2.3.1 forbids it; off by default).")
        Boolean allowQueryCredentials;

        @Option(names = "--" + TenantSettings.TOKEN_ENDPOINT_AUDIENCE, paramLabel = "true|false", arity = "1",
                description = "Accept a private_key_jwt client assertion whose aud is the token endpoint URL, besides"
                        + " the issuer (on by default, as OIDC Core and many client libraries send it; RFC 7523bis"
                        + " keeps only the issuer).")
        Boolean tokenEndpointAudience;

        @Option(names = "--algorithm", paramLabel = "ALG",
                description = "Algorithm of keys generated from now on (takes effect over two rotations).")
        String algorithm;

        @Option(names = "--default-audience", paramLabel = "AUDIENCE",
                description = "aud of tokens for clients without allowed audiences.")
        String defaultAudience;

        @Option(names = {"--allowed-authorities", "--allowed-authority"}, paramLabel = "AUTHORITY", split = ListValues.SPLIT,
                description = "Authorities a credential manager who is not a tenant admin may give clients"
                        + " (--allowed-authorities= for none: only tenant admins set authorities). Replaces the list.")
        List<String> allowedAuthorities;

        @Option(names = {"--allowed-audiences", "--allowed-audience"}, paramLabel = "AUDIENCE", split = ListValues.SPLIT,
                description = "Audiences such a credential manager may give clients besides the default audience"
                        + " (--allowed-audiences= for none). Replaces the list.")
        List<String> allowedAudiences;

        @Option(names = "--key-rotation-interval", paramLabel = "DURATION|off",
                description = "Rotate the tenant's signing keys automatically this long after the current key"
                        + " started signing: an ISO-8601 duration (P90D, PT12H) between 1 hour and 3650 days,"
                        + " or off (rotate only with keys rotate). New tenants: P90D.")
        String keyRotationInterval;

        @Override
        void run(Tollgate app, PrintWriter out) {
            Tenant updated = app.adminOperations().tenants().updateSettings(Actor.cli(tenant()), tenant(), settings -> {
                TenantSettings s = settings;
                if (allowQueryCredentials != null) {
                    s = s.withAllowQueryCredentials(allowQueryCredentials);
                }
                if (tokenEndpointAudience != null) {
                    s = s.withTokenEndpointAudience(tokenEndpointAudience);
                }
                if (algorithm != null) {
                    s = s.withSigningAlgorithm(SigningAlgorithm.parse(algorithm));
                }
                if (defaultAudience != null) {
                    s = s.withDefaultAudience(defaultAudience);
                }
                if (allowedAuthorities != null) {
                    s = s.withAllowedAuthorities(ListValues.of(allowedAuthorities));
                }
                if (allowedAudiences != null) {
                    s = s.withAllowedAudiences(ListValues.of(allowedAudiences));
                }
                if (keyRotationInterval != null) {
                    s = s.withKeyRotationInterval(TenantOperations.parseKeyRotationInterval(keyRotationInterval));
                }
                return s;
            });
            out.println("Tenant " + updated.id() + ": " + updated.settings());
        }
    }
}
