package dev.tollgate.server.cli;

import dev.tollgate.core.admin.ClientAdministration;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

@Command(name = "client", mixinStandardHelpOptions = true, description = "Manage client credentials.",
        subcommands = {ClientCommand.Create.class, ClientCommand.ListClients.class, ClientCommand.Show.class,
                ClientCommand.RotateSecret.class, ClientCommand.Disable.class, ClientCommand.Enable.class,
                ClientCommand.Delete.class, ClientCommand.RevokeTokens.class})
final class ClientCommand {

    abstract static class OneClient extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--client-id", required = true)
        String clientId;

        TenantId tenant() {
            return TenantId.of(tenant);
        }

        ClientId clientId() {
            return new ClientId(clientId);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client credential; prints its secret once.")
    static final class Create extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--name", required = true)
        String name;

        @Option(names = "--scopes", split = ",", description = "Allowed (and default) scopes, comma-separated.")
        List<String> scopes = List.of();

        @Option(names = "--audience", description = "Allowed audience; repeat for several.")
        List<String> audiences = List.of();

        @Option(names = "--authorities", split = ",", description = "Authorities copied into tokens, comma-separated.")
        List<String> authorities = List.of();

        @Option(names = "--ttl", description = "Token lifetime in seconds (default 3600).")
        Long ttl;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ScopeSet scopeSet = ScopeSet.of(scopes.toArray(String[]::new));
            ClientWithSecret created = app.adminOperations().createClient(Actor.cli(TenantId.of(tenant)), TenantId.of(tenant), new ClientSpec(name, scopeSet, null,
                    audiences, authorities, ttl == null ? null : Duration.ofSeconds(ttl)));
            print(out, created.client());
            out.println("client_secret: " + created.secret().reveal() + "   (shown only now)");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's client credentials.")
    static final class ListClients extends StoreCommand {
        @Option(names = "--tenant", required = true)
        String tenant;

        @Override
        void run(Tollgate app, PrintWriter out) {
            for (ClientCredential c : app.clients().list(TenantId.of(tenant))) {
                out.printf("%-36s %-8s %-32s %s%n", c.clientId(), c.enabled() ? "enabled" : "disabled", c.name(),
                        c.allowedScopes());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one client credential (never its secret).")
    static final class Show extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.clients().get(tenant(), clientId()));
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Issue a new secret; the previous one keeps working during the overlap.")
    static final class RotateSecret extends OneClient {
        @Option(names = "--overlap", defaultValue = "PT24H",
                description = "How long the previous secret keeps working, ISO-8601 (default PT24H; PT0S ends it now).")
        Duration overlap = ClientAdministration.DEFAULT_ROTATION_OVERLAP;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientWithSecret rotated = app.adminOperations().rotateSecret(Actor.cli(tenant()), tenant(), clientId(), overlap);
            print(out, rotated.client());
            out.println("client_secret: " + rotated.secret().reveal() + "   (shown only now)");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Refuse tokens to this client.")
    static final class Disable extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.adminOperations().updateClient(Actor.cli(tenant()), tenant(), clientId(),
                    new ClientUpdate(null, null, null, null, null, null, false)));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Issue tokens to this client again.")
    static final class Enable extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.adminOperations().updateClient(Actor.cli(tenant()), tenant(), clientId(),
                    new ClientUpdate(null, null, null, null, null, null, true)));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a client credential (the two defaults can be rotated or disabled, not deleted).")
    static final class Delete extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            app.adminOperations().deleteClient(Actor.cli(tenant()), tenant(), clientId());
            out.println("deleted " + clientId);
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true,
            description = "Revoke every token issued to this client until now; new tokens work from the next second."
                    + " A running server sees it within seconds.")
    static final class RevokeTokens extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientTokenCutoff cutoff = app.revocations().revokeAllTokens(tenant(), clientId());
            out.println("revoked every token of " + clientId + " issued before " + cutoff.notBefore());
        }
    }

    static void print(PrintWriter out, ClientCredential c) {
        out.println("client_id:      " + c.clientId());
        out.println("name:           " + c.name() + (c.isBuiltin() ? "  (default credential)" : ""));
        out.println("tenant:         " + c.tenantId());
        out.println("enabled:        " + c.enabled());
        out.println("scopes:         " + c.allowedScopes() + "   default: " + c.defaultScopes());
        out.println("audiences:      " + String.join(" ", c.audiences()));
        out.println("authorities:    " + String.join(" ", c.authorities()));
        out.println("token ttl:      " + c.tokenTtl().toSeconds() + " s");
        Instant now = Instant.now();
        c.secrets().forEach(s -> out.println("secret:         " + s.id() + " created " + s.createdAt()
                + (s.expiresAt() == null ? "" : (s.isActiveAt(now) ? " expires " : " expired ") + s.expiresAt())));
    }
}
