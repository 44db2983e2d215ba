package dev.tollgate.server.cli;

import dev.tollgate.core.admin.ClientOperations;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.tenant.TenantId;
import java.util.List;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.server.Tollgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

@Command(name = "client", mixinStandardHelpOptions = true, description = "Manage client credentials.",
        subcommands = {ClientCommand.Create.class, ClientCommand.ListClients.class, ClientCommand.Show.class,
                ClientCommand.Update.class, ClientCommand.RotateSecret.class, ClientCommand.Disable.class,
                ClientCommand.Enable.class, ClientCommand.Delete.class, ClientCommand.RevokeTokens.class,
                ClientCommand.Keys.class, ClientCommand.Tls.class})
final class ClientCommand {

    abstract static class OneClient extends StoreCommand.InTenant {
        @Option(names = "--client-id", paramLabel = "ID", required = true,
                description = "The client's client_id (./tollgate client list shows them).")
        String clientId;

        ClientId clientId() {
            return new ClientId(clientId);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a client credential; prints its secret once.")
    static final class Create extends StoreCommand.InTenant {
        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "Display name: shown in the console and list, and in its tokens as client_name.")
        String name;

        @Option(names = {"--scopes", "--scope"}, paramLabel = "SCOPE", split = ListValues.SPLIT,
                description = "Allowed scopes, which are also its default scopes; each must be defined in the tenant"
                        + " (./tollgate scope list).")
        List<String> scopes = List.of();

        @Option(names = {"--audiences", "--audience"}, paramLabel = "AUDIENCE", split = ListValues.SPLIT,
                description = "Allowed audiences (aud); without any, its tokens carry the tenant's default audience.")
        List<String> audiences = List.of();

        @Option(names = {"--authorities", "--authority"}, paramLabel = "AUTHORITY", split = ListValues.SPLIT,
                description = "Authorities (roles) copied into its tokens.")
        List<String> authorities = List.of();

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "Token lifetime in seconds (default 3600).")
        Long ttl;

        @Option(names = "--introspection", paramLabel = "true|false", arity = "1",
                description = "May call the introspection endpoint (RFC 7662), as an API checking tokens does"
                        + " (default false).")
        boolean introspection;

        @Option(names = "--dpop-bound", paramLabel = "true|false", arity = "1",
                description = "Require a DPoP proof with every token request, so every token is bound to the"
                        + " client's key (RFC 9449 dpop_bound_access_tokens; default false).")
        boolean dpopBound;

        @Option(names = "--auth", paramLabel = "METHOD",
                description = "token_endpoint_auth_method: client_secret_basic (default; the secret may also be sent"
                        + " in the body), client_secret_post, or private_key_jwt (RFC 7523: no secret, the client signs"
                        + " assertions with its key; give --jwk-file or --jwks-uri), or federated_jwt (workload identity"
                        + " federation: the platform's token proves it; give --issuer and --subject).")
        String auth;

        @Option(names = "--issuer", paramLabel = "URL",
                description = "federated_jwt: the trusted issuer (./tollgate federation issuers) of the workload's tokens.")
        String issuer;

        @Option(names = "--subject", paramLabel = "SUB",
                description = "federated_jwt: the sub of the workload's tokens, e.g. system:serviceaccount:prod:billing.")
        String subject;

        @Option(names = {"--claims", "--claim"}, paramLabel = "PATH=VALUE", split = ListValues.SPLIT,
                description = "federated_jwt: a claim the tokens must also carry, e.g. kubernetes.io/namespace=prod."
                        + " Repeatable or comma-separated.")
        List<String> claims = List.of();

        @Option(names = {"--jwk-files", "--jwk-file"}, paramLabel = "FILE", split = ListValues.SPLIT,
                description = "private_key_jwt: a file with the client's public key(s): a JWK, a JWK set, a PEM public"
                        + " key or a PEM certificate. Repeatable. A private key is refused.")
        List<java.nio.file.Path> jwkFiles = List.of();

        @Option(names = "--jwks-uri", paramLabel = "URL",
                description = "private_key_jwt: where the client publishes its public keys (https), instead of --jwk-file.")
        java.net.URI jwksUri;

        @Option(names = "--tls-client-auth", paramLabel = "FIELD=VALUE",
                description = "Authenticate with a CA-issued TLS certificate (RFC 8705 tls_client_auth) carrying this"
                        + " subject: subject_dn=CN=orders,O=Example, san_dns=..., san_uri=..., san_ip=... or"
                        + " san_email=...; the tenant's CA bundle (tenant set --tls-client-ca-bundle) must trust it."
                        + " The client gets no secret.")
        String tlsClientAuth;

        @Option(names = "--self-signed-certificate", paramLabel = "FILE",
                description = "Authenticate with this self-signed TLS certificate (PEM; RFC 8705"
                        + " self_signed_tls_client_auth). The client gets no secret.")
        Path selfSignedCertificate;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientAuthMethod method = auth == null ? null : parseMethod(auth);
            boolean federated = method == ClientAuthMethod.FEDERATED_JWT;
            if (federated != (issuer != null && subject != null) || (!federated && !claims.isEmpty())) {
                throw AdminFailure.Invalid.of("--auth", "--issuer and --subject (and --claim) go with --auth federated_jwt,"
                        + " and federated_jwt needs both");
            }
            // Checked before the client exists, so a bad binding leaves no half-made client behind.
            dev.tollgate.core.federation.FederatedIdentity identity = federated
                    ? FederationCommand.identity(issuer, subject, claims) : null;
            if (federated && app.adminOperations().federation().issuers(Actor.cli(tenant()), tenant()).stream()
                    .noneMatch(i -> i.issuer().equals(issuer))) {
                throw AdminFailure.Invalid.of("--issuer", "the tenant trusts no issuer " + issuer
                        + "; add it first: ./tollgate federation add-issuer --issuer " + issuer);
            }
            ClientKeys keys = keys(jwkFiles, jwksUri, config.clientKeys().allowPrivateAddresses());
            ClientTls tls = null;
            if (tlsClientAuth != null || selfSignedCertificate != null) {
                ClientAuthMethod implied = tlsClientAuth != null ? ClientAuthMethod.TLS_CLIENT_AUTH
                        : ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH;
                if ((tlsClientAuth != null && selfSignedCertificate != null) || (method != null && method != implied)) {
                    throw new IllegalArgumentException("--tls-client-auth, --self-signed-certificate and --auth"
                            + " name different methods; give one");
                }
                method = implied;
                if (selfSignedCertificate != null) {
                    keys = ClientKeys.inline(ClientKeys.parsePublicKeys(readFile(selfSignedCertificate)));
                }
                tls = tlsClientAuth == null ? null : subject(tlsClientAuth, true);
            }
            ClientWithSecret created = app.adminOperations().clients().create(Actor.cli(tenant()), tenant(),
                    new ClientSpec(name, ScopeSet.of(ListValues.of(scopes).toArray(String[]::new)), null, ListValues.of(audiences),
                            ListValues.of(authorities), ttl == null ? null : Duration.ofSeconds(ttl), introspection,
                            method, keys, tls, dpopBound));
            print(out, created.client());
            if (identity != null) {
                app.adminOperations().federation().bind(Actor.cli(tenant()), tenant(), created.client().clientId(),
                        identity);
                FederationCommand.print(out, identity);
            }
            if (created.secret() != null) {
                out.println("client_secret: " + created.secret().reveal() + "   (shown only now)");
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "The public keys of a private_key_jwt client (RFC 7523).",
            subcommands = {KeysList.class, KeysAdd.class, KeysRemove.class})
    static final class Keys {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a client's public keys with their thumbprints, or its jwks_uri.")
    static final class KeysList extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            printKeys(out, app.adminOperations().clients().get(Actor.cli(tenant()), tenant(), clientId()));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add public keys from files (rotation: add the new key, switch the client, remove the old one),"
                    + " or replace the keys by a jwks_uri.")
    static final class KeysAdd extends OneClient {
        @Option(names = {"--jwk-files", "--jwk-file"}, paramLabel = "FILE", split = ListValues.SPLIT,
                description = "A JWK, JWK set, PEM public key or PEM certificate. Repeatable.")
        List<java.nio.file.Path> jwkFiles = List.of();

        @Option(names = "--jwks-uri", paramLabel = "URL", description = "Fetch the client's keys from here instead (https).")
        java.net.URI jwksUri;

        @Override
        void check() {
            if (jwkFiles.isEmpty() == (jwksUri == null)) {
                throw new ParameterException(spec.commandLine(), "give --jwk-file (one or more) or --jwks-uri");
            }
        }

        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientKeys keys = keys(jwkFiles, jwksUri, config.clientKeys().allowPrivateAddresses());
            ClientCredential changed = jwksUri != null
                    ? app.adminOperations().clients().setJwksUri(Actor.cli(tenant()), tenant(), clientId(), jwksUri)
                    : app.adminOperations().clients().addKeys(Actor.cli(tenant()), tenant(), clientId(), keys.inlineKeys());
            printKeys(out, changed);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove one public key by its kid.")
    static final class KeysRemove extends OneClient {
        @Option(names = "--kid", paramLabel = "KID", required = true, description = "The key's kid (client keys list).")
        String kid;

        @Override
        void run(Tollgate app, PrintWriter out) {
            printKeys(out, app.adminOperations().clients().removeKey(Actor.cli(tenant()), tenant(), clientId(), kid));
        }
    }

    static ClientAuthMethod parseMethod(String name) {
        try {
            return ClientAuthMethod.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw AdminFailure.Invalid.of("--auth", e.getMessage());
        }
    }

    /** The keys the files hold, or the jwks_uri (checked as a registration through the API is); NONE for neither. */
    static ClientKeys keys(List<java.nio.file.Path> files, java.net.URI uri, boolean allowPrivate) {
        if (uri != null) {
            try {
                dev.tollgate.server.http.JwksUriFetcher.check(uri, allowPrivate);
                return ClientKeys.remote(uri);
            } catch (IllegalArgumentException | dev.tollgate.core.token.JwksUriCache.FetchException e) {
                throw AdminFailure.Invalid.of("--jwks-uri", e.getMessage());
            }
        }
        if (files.isEmpty()) {
            return null;
        }
        List<com.nimbusds.jose.jwk.JWK> keys = new java.util.ArrayList<>();
        for (java.nio.file.Path file : files) {
            String text;
            try {
                text = java.nio.file.Files.readString(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            try {
                keys.addAll(ClientKeys.parsePublicKeys(text));
            } catch (IllegalArgumentException e) {
                throw AdminFailure.Invalid.of("--jwk-file", file + ": " + e.getMessage());
            }
        }
        try {
            return ClientKeys.inline(keys);
        } catch (IllegalArgumentException e) {
            throw AdminFailure.Invalid.of("--jwk-file", e.getMessage());
        }
    }

    static void printKeys(PrintWriter out, ClientCredential c) {
        out.println("client_id:      " + c.clientId());
        out.println("auth method:    " + c.tokenEndpointAuthMethod().wireName());
        if (c.keys().jwksUri() != null) {
            out.println("jwks_uri:       " + c.keys().jwksUri());
            return;
        }
        Table table = new Table("KID", "TYPE", "THUMBPRINT");
        for (com.nimbusds.jose.jwk.JWK key : c.keys().inlineKeys()) {
            table.row(key.getKeyID(), key.getKeyType().getValue(), ClientKeys.thumbprint(key));
        }
        table.print(out, "No keys.");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's client credentials.")
    static final class ListClients extends StoreCommand.InTenant {
        @Override
        void run(Tollgate app, PrintWriter out) {
            Table table = new Table("CLIENT_ID", "STATE", "SCOPES", "NAME");
            for (ClientCredential c : all(app, tenant())) {
                table.row(c.clientId(), c.enabled() ? "enabled" : "disabled",
                        String.join(ListValues.SPLIT, c.allowedScopes().names()), c.name());
            }
            table.print(out, "No clients in tenant " + tenant() + ".");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one client credential (never its secret).")
    static final class Show extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.adminOperations().clients().get(Actor.cli(tenant()), tenant(), clientId()));
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a client's name, scopes, audiences, authorities or token lifetime; what is not given"
                    + " stays as it is. Lists replace the current ones.")
    static final class Update extends OneClient {
        @Option(names = "--name", paramLabel = "NAME", description = "New display name.")
        String name;

        @Option(names = {"--scopes", "--scope"}, paramLabel = "SCOPE", split = ListValues.SPLIT,
                description = "Allowed scopes (--scopes= for none). Default scopes follow: a client whose defaults"
                        + " were all its scopes keeps that shape; narrower defaults lose what is no longer allowed.")
        List<String> scopes;

        @Option(names = {"--audiences", "--audience"}, paramLabel = "AUDIENCE", split = ListValues.SPLIT,
                description = "Allowed audiences (--audiences= for none: the tenant's default audience).")
        List<String> audiences;

        @Option(names = {"--authorities", "--authority"}, paramLabel = "AUTHORITY", split = ListValues.SPLIT,
                description = "Authorities copied into its tokens (--authorities= for none).")
        List<String> authorities;

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "Token lifetime in seconds.")
        Long ttl;

        @Option(names = "--introspection", paramLabel = "true|false", arity = "1",
                description = "Grant (true) or withdraw (false) the permission to call the introspection endpoint.")
        Boolean introspection;

        @Option(names = "--dpop-bound", paramLabel = "true|false", arity = "1",
                description = "Require (true) or stop requiring (false) a DPoP proof with every token request.")
        Boolean dpopBound;

        @Override
        void check() {
            if (name == null && scopes == null && audiences == null && authorities == null && ttl == null
                    && introspection == null && dpopBound == null) {
                throw new ParameterException(spec.commandLine(), "nothing to change: give --name, --scopes,"
                        + " --audiences, --authorities, --ttl, --introspection or --dpop-bound");
            }
        }

        @Override
        void run(Tollgate app, PrintWriter out) {
            ScopeSet allowed = null;
            ScopeSet defaults = null;
            if (scopes != null) {
                allowed = ScopeSet.of(ListValues.of(scopes).toArray(String[]::new));
                // As the console's scope form: defaults that were all the scopes stay all of them.
                ClientCredential before = app.adminOperations().clients().get(Actor.cli(tenant()), tenant(), clientId());
                ScopeSet still = allowed;
                defaults = before.defaultScopes().equals(before.allowedScopes()) ? allowed
                        : ScopeSet.of(before.defaultScopes().asSet().stream().filter(still::contains).toList());
            }
            print(out, app.adminOperations().clients().update(Actor.cli(tenant()), tenant(), clientId(),
                    new ClientUpdate(name, allowed, defaults, ListValues.of(audiences), ListValues.of(authorities),
                            ttl == null ? null : Duration.ofSeconds(ttl), null, introspection, dpopBound)));
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Issue a new secret; the previous one keeps working during the overlap.")
    static final class RotateSecret extends OneClient {
        @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "PT24H",
                description = "How long the previous secret keeps working, ISO-8601 (default PT24H; PT0S ends it now).")
        Duration overlap = ClientOperations.DEFAULT_ROTATION_OVERLAP;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientWithSecret rotated = app.adminOperations().clients().rotateSecret(Actor.cli(tenant()), tenant(), clientId(), overlap);
            print(out, rotated.client());
            out.println("client_secret: " + rotated.secret().reveal() + "   (shown only now)");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Refuse tokens to this client and revoke those it holds (enabling it again does not"
                    + " revive them).")
    static final class Disable extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.adminOperations().clients().update(Actor.cli(tenant()), tenant(), clientId(),
                    new ClientUpdate(null, null, null, null, null, null, false)));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Issue tokens to this client again.")
    static final class Enable extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            print(out, app.adminOperations().clients().update(Actor.cli(tenant()), tenant(), clientId(),
                    new ClientUpdate(null, null, null, null, null, null, true)));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a client credential and revoke its tokens (the two defaults can be rotated or disabled,"
                    + " not deleted).")
    static final class Delete extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            app.adminOperations().clients().delete(Actor.cli(tenant()), tenant(), clientId());
            out.println("deleted " + clientId);
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true,
            description = "Revoke every token issued to this client until now; new tokens work from the next second."
                    + " A running server sees it within seconds.")
    static final class RevokeTokens extends OneClient {
        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientTokenCutoff cutoff = app.adminOperations().clients().revokeTokens(Actor.cli(tenant()), tenant(),
                    clientId());
            out.println("revoked every token of " + clientId + " issued before " + cutoff.notBefore());
        }
    }

    /** Every client of the tenant, page by page. */
    static List<ClientCredential> all(Tollgate app, TenantId tenant) {
        List<ClientCredential> all = new java.util.ArrayList<>();
        Page<ClientCredential> page;
        do {
            page = app.adminOperations().clients().list(Actor.cli(tenant), tenant, null, all.size(), Page.MAX_LIMIT);
            all.addAll(page.items());
        } while (!page.items().isEmpty() && all.size() < page.total());
        return all;
    }

    @Command(name = "tls", mixinStandardHelpOptions = true,
            description = "Set a client's mutual-TLS registration (RFC 8705): the certificate subject of a"
                    + " tls_client_auth client, and whether its tokens are bound to its TLS certificate.")
    static final class Tls extends OneClient {
        @Option(names = "--tls-client-auth", paramLabel = "FIELD=VALUE",
                description = "The subject a tls_client_auth client's certificate carries: subject_dn=..., san_dns=...,"
                        + " san_uri=..., san_ip=... or san_email=... (tls_client_auth clients only).")
        String tlsClientAuth;

        @Option(names = "--bound-tokens", paramLabel = "true|false", arity = "1",
                description = "Bind every token to the TLS client certificate presented (cnf.x5t#S256) and refuse"
                        + " token requests without one; always on for mTLS clients (default false).")
        boolean boundTokens;

        @Override
        void run(Tollgate app, PrintWriter out) {
            ClientTls tls = tlsClientAuth == null ? new ClientTls(null, null, boundTokens)
                    : subject(tlsClientAuth, boundTokens);
            print(out, app.adminOperations().clients().setTls(Actor.cli(tenant()), tenant(), clientId(), tls));
        }
    }

    /** {@code san_dns=orders.example.com}: RFC 8705 §2.1.2's field without its tls_client_auth_ prefix, and the value. */
    static ClientTls subject(String fieldAndValue, boolean boundTokens) {
        int equals = fieldAndValue.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("--tls-client-auth: give FIELD=VALUE, e.g. san_dns=orders.example.com");
        }
        ClientTls.SubjectField field = ClientTls.SubjectField.fromMetadataName("tls_client_auth_"
                + fieldAndValue.substring(0, equals).strip().toLowerCase(java.util.Locale.ROOT));
        return new ClientTls(field, fieldAndValue.substring(equals + 1), boundTokens);
    }

    static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
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
        out.println("introspection:  " + (c.introspection() ? "allowed" : "not allowed"));
        out.println("dpop:           " + (c.dpopBound() ? "required (dpop_bound_access_tokens)" : "optional"));
        out.println("auth method:    " + c.tokenEndpointAuthMethod().wireName());
        if (c.keys().jwksUri() != null) {
            out.println("jwks_uri:       " + c.keys().jwksUri());
        }
        c.keys().inlineKeys().forEach(k -> out.println("key:            " + k.getKeyID() + " " + k.getKeyType().getValue()
                + " thumbprint " + ClientKeys.thumbprint(k)));
        if (c.tls().hasSubject() || c.certificateBoundTokens()) {
            out.println("tls:            " + (c.tls().hasSubject() ? c.tls().subjectField().metadataName() + "="
                    + c.tls().subjectValue() + "  " : "") + (c.certificateBoundTokens() ? "certificate-bound tokens" : ""));
        }
        Instant now = Instant.now();
        c.secrets().forEach(s -> out.println("secret:         " + s.id() + " created " + s.createdAt()
                + (s.expiresAt() == null ? "" : (s.isActiveAt(now) ? " expires " : " expired ") + s.expiresAt())));
    }
}
