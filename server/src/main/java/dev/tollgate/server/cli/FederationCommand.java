package dev.tollgate.server.cli;

import com.nimbusds.jose.JWSAlgorithm;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.federation.FederatedIdentity;
import dev.tollgate.core.federation.TrustedIssuer;
import dev.tollgate.server.Tollgate;
import dev.tollgate.server.http.JwksUriFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Workload identity federation (issue 14): the external issuers a tenant trusts, and which
 * (issuer, subject) a {@code federated_jwt} client is.
 */
@Command(name = "federation", mixinStandardHelpOptions = true,
        description = "Workload identity federation: trusted issuers (Kubernetes, SPIFFE, CI OIDC) and client bindings.",
        subcommands = {FederationCommand.Issuers.class, FederationCommand.AddIssuer.class,
                FederationCommand.RemoveIssuer.class, FederationCommand.Bind.class, FederationCommand.Show.class})
final class FederationCommand {

    @Command(name = "issuers", mixinStandardHelpOptions = true, description = "List the issuers the tenant trusts.")
    static final class Issuers extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            for (TrustedIssuer issuer : app.adminOperations().federation().issuers(Actor.cli(tenant()), tenant())) {
                out.println(issuer.issuer() + "  keys: " + (issuer.jwksUri() == null ? "discovery" : issuer.jwksUri())
                        + "  algorithms: " + new TreeSet<>(issuer.algorithms().stream().map(JWSAlgorithm::getName).toList())
                        + "  audience: " + (issuer.audience() == null ? "(tenant issuer)" : issuer.audience())
                        + "  max lifetime: " + issuer.maxLifetime().toSeconds() + "s");
            }
        }
    }

    @Command(name = "add-issuer", mixinStandardHelpOptions = true, description = "Trust an external issuer's tokens.")
    static final class AddIssuer extends StoreCommand.InTenant {
        @Option(names = "--issuer", paramLabel = "URL", required = true,
                description = "The exact iss of its tokens, e.g. https://kubernetes.default.svc.cluster.local.")
        String issuer;

        @Option(names = "--jwks-uri", paramLabel = "URL",
                description = "Where its public keys are (https); without it, found by OIDC discovery from the issuer.")
        URI jwksUri;

        @Option(names = {"--algorithms", "--algorithm"}, paramLabel = "ALG", split = ListValues.SPLIT,
                description = "Accepted signature algorithms (default RS256,ES256); never none or HMAC.")
        List<String> algorithms = List.of();

        @Option(names = "--audience", paramLabel = "AUD",
                description = "The aud its tokens must contain (default: the tenant's issuer URL).")
        String audience;

        @Option(names = "--max-lifetime", paramLabel = "SECONDS",
                description = "How far ahead a token's exp may be, 60 to 86400 (default 3600).")
        Long maxLifetime;

        @Override
        void run(Tollgate app, PrintWriter out) {
            TrustedIssuer trusted;
            try {
                if (jwksUri != null) {
                    JwksUriFetcher.check(jwksUri, config.clientKeys().allowPrivateAddresses());
                }
                trusted = new TrustedIssuer(issuer, jwksUri, ListValues.of(algorithms).stream().map(JWSAlgorithm::parse)
                        .collect(Collectors.toSet()), audience,
                        maxLifetime == null ? null : Duration.ofSeconds(maxLifetime), app.clock().instant());
            } catch (IllegalArgumentException | dev.tollgate.core.token.JwksUriCache.FetchException e) {
                throw AdminFailure.Invalid.of("--issuer", e.getMessage());
            }
            app.adminOperations().federation().addIssuer(Actor.cli(tenant()), tenant(), trusted);
            out.println("trusted issuer " + trusted.issuer());
        }
    }

    @Command(name = "remove-issuer", mixinStandardHelpOptions = true,
            description = "No longer trust an issuer; refused while clients are bound to it.")
    static final class RemoveIssuer extends StoreCommand.InTenant {
        @Option(names = "--issuer", paramLabel = "URL", required = true, description = "The issuer to remove.")
        String issuer;

        @Override
        void run(Tollgate app, PrintWriter out) {
            app.adminOperations().federation().removeIssuer(Actor.cli(tenant()), tenant(), issuer);
            out.println("removed issuer " + issuer);
        }
    }

    @Command(name = "bind", mixinStandardHelpOptions = true,
            description = "Bind a federated_jwt client to the (issuer, subject) its platform tokens carry.")
    static final class Bind extends ClientCommand.OneClient {
        @Option(names = "--issuer", paramLabel = "URL", required = true, description = "A trusted issuer.")
        String issuer;

        @Option(names = "--subject", paramLabel = "SUB", required = true,
                description = "The exact sub, e.g. system:serviceaccount:prod:billing or spiffe://example.org/billing.")
        String subject;

        @Option(names = {"--claims", "--claim"}, paramLabel = "PATH=VALUE", split = ListValues.SPLIT,
                description = "A claim the token must also carry; nested levels separated by /, e.g."
                        + " kubernetes.io/namespace=prod. Repeatable or comma-separated.")
        List<String> claims = List.of();

        @Override
        void run(Tollgate app, PrintWriter out) {
            FederatedIdentity identity = identity(issuer, subject, claims);
            app.adminOperations().federation().bind(Actor.cli(tenant()), tenant(), clientId(), identity);
            print(out, identity);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the identity a client is bound to.")
    static final class Show extends ClientCommand.OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            FederatedIdentity identity = app.adminOperations().federation().identity(Actor.cli(tenant()), tenant(),
                    clientId()).orElseThrow(() -> new AdminFailure.NotFound("client " + clientId
                    + " has no federated identity"));
            print(out, identity);
        }
    }

    static FederatedIdentity identity(String issuer, String subject, List<String> claims) {
        Map<String, String> required = new LinkedHashMap<>();
        for (String claim : ListValues.of(claims)) {
            int equals = claim.indexOf('=');
            if (equals <= 0) {
                throw AdminFailure.Invalid.of("--claim", "give PATH=VALUE, e.g. kubernetes.io/namespace=prod");
            }
            required.put(claim.substring(0, equals), claim.substring(equals + 1));
        }
        try {
            return new FederatedIdentity(issuer, subject, required);
        } catch (IllegalArgumentException e) {
            throw AdminFailure.Invalid.of("--subject", e.getMessage());
        }
    }

    static void print(PrintWriter out, FederatedIdentity identity) {
        out.println("issuer:         " + identity.issuer());
        out.println("subject:        " + identity.subject());
        identity.claims().forEach((path, value) -> out.println("claim:          " + path + " = " + value));
    }

    private FederationCommand() {
    }
}
