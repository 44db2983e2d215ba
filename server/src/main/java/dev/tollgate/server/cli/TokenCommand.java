package dev.tollgate.server.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.tollgate.core.key.SigningAlgorithm;
import dev.tollgate.core.tenant.TenantId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URI;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Get an access token from a running server (client_secret_basic) and print it.",
        subcommands = TokenCommand.Verify.class)
final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    TenantOption tenantOption;

    @Mixin
    ConfigOptions config;

    // Not required at parse time: picocli would then demand them for "token verify" too.
    @Option(names = "--client-id", paramLabel = "ID", description = "client_id of the client asking (required).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET", defaultValue = "${env:TOLLGATE_CLIENT_SECRET}",
            description = "Its secret (required); prefer the environment variable TOLLGATE_CLIENT_SECRET:"
                    + " arguments show up in process lists.")
    String clientSecret;

    @Option(names = {"--scopes", "--scope"}, paramLabel = "SCOPE", split = ListValues.SPLIT,
            description = "Scopes to ask for (default: the client's default scopes).")
    List<String> scopes;

    @Override
    public Integer call() {
        if (clientId == null || clientSecret == null) {
            throw new ParameterException(spec.commandLine(),
                    "--client-id and --client-secret (or TOLLGATE_CLIENT_SECRET) are required");
        }
        List<String> asked = ListValues.of(scopes);
        URI endpoint = URI.create(server.tenantUrl(tenant(tenantOption, config)) + "/oauth2/token");
        TokenRequest request = new TokenRequest(endpoint,
                new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret)),
                new ClientCredentialsGrant(), asked == null || asked.isEmpty() ? null
                        : new Scope(asked.toArray(String[]::new)));
        HTTPResponse answer = server.send(request.toHTTPRequest());
        TokenResponse response;
        try {
            response = TokenResponse.parse(answer);
        } catch (ParseException e) {
            throw new IllegalStateException(endpoint + " answered HTTP " + answer.getStatusCode()
                    + ", not a token response: " + e.getMessage(), e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            spec.commandLine().getErr().println(error.getCode() == null
                    ? "error: " + endpoint + " answered HTTP " + answer.getStatusCode() + ", not an OAuth error"
                    : "error: " + error.getCode() + ": " + error.getDescription());
            return 1;
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        spec.commandLine().getOut().println(ok.getTokens().getAccessToken().getValue());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code --tenant}, else the default tenant of the configuration (read only then). */
    static TenantId tenant(TenantOption option, ConfigOptions config) {
        return option.orElse(() -> config.load(ConfigOptions.flags()).server().defaultTenant());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify an access token against the server's JWKS (signature, typ at+jwt, issuer, expiry);"
                    + " prints valid and its claims, or why not (exit code 1).")
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Mixin
        TenantOption tenantOption;

        @Mixin
        ConfigOptions config;

        @Option(names = "--issuer", paramLabel = "URL", description = "Expected issuer (default: <server>/t/<tenant>).")
        String issuer;

        @Parameters(index = "0", paramLabel = "TOKEN", description = "The access token.")
        String token;

        @Override
        public Integer call() {
            String base = server.tenantUrl(tenant(tenantOption, config));
            String expectedIssuer = issuer != null ? issuer : base;
            JWKSource<SecurityContext> keys = new ImmutableJWKSet<>(jwks(URI.create(base + "/oauth2/jwks")));
            Set<JWSAlgorithm> algorithms = new HashSet<>();
            Arrays.stream(SigningAlgorithm.values()).forEach(a -> algorithms.add(a.jwsAlgorithm()));
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
            processor.setJWSKeySelector(new OkpAwareKeySelector(algorithms, keys));
            processor.setJWSVerifierFactory(new OkpAwareVerifierFactory());
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    new JWTClaimsSet.Builder().issuer(expectedIssuer).build(),
                    Set.of("sub", "exp", "iat", "jti", "client_id", "aud")));
            try {
                JWTClaimsSet claims = processor.process(token, null);
                spec.commandLine().getOut().println("valid");
                spec.commandLine().getOut().println(claims.toString());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (java.text.ParseException | BadJOSEException | JOSEException e) {
                spec.commandLine().getErr().println("invalid token: " + e.getMessage());
                return 1;
            }
        }

        /** Fetched once: a one-shot check has no use for the caching and refreshing of a JWKSource. */
        private JWKSet jwks(URI uri) {
            HTTPResponse answer = server.send(new HTTPRequest(HTTPRequest.Method.GET, uri));
            if (answer.getStatusCode() != 200) {
                throw new IllegalStateException(uri + " answered HTTP " + answer.getStatusCode() + ", not a JWK set");
            }
            try {
                return JWKSet.parse(answer.getBody());
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(uri + " did not answer a JWK set: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Nimbus's {@link JWSVerificationKeySelector} hands the processor {@code java.security.Key}s and
     * silently drops OKP (Ed25519) JWKs, which Nimbus cannot convert; so a plain
     * {@link DefaultJWTProcessor} finds "no matching key" for every EdDSA token. This selector keeps
     * them, wrapped, for {@link OkpAwareVerifierFactory} to turn into an {@link Ed25519Verifier}.
     */
    static final class OkpAwareKeySelector extends JWSVerificationKeySelector<SecurityContext> {

        OkpAwareKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
            super(algorithms, keys);
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (!JWSAlgorithm.Family.ED.contains(header.getAlgorithm())) {
                return super.selectJWSKeys(header, context);
            }
            if (!isAllowed(header.getAlgorithm())) {
                return List.of();
            }
            List<Key> keys = new ArrayList<>();
            for (JWK jwk : getJWKSource().get(new JWKSelector(createJWKMatcher(header)), context)) {
                if (jwk instanceof OctetKeyPair okp) {
                    keys.add(new OkpPublicKey(okp.toPublicJWK()));
                }
            }
            return keys;
        }
    }

    /** An Ed25519 public JWK carried through Nimbus's {@code Key}-typed processor API. */
    record OkpPublicKey(OctetKeyPair jwk) implements PublicKey {
        @Override
        public String getAlgorithm() {
            return "EdDSA";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }
    }

    static final class OkpAwareVerifierFactory extends DefaultJWSVerifierFactory {
        @Override
        public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
            if (key instanceof OkpPublicKey okp) {
                return new Ed25519Verifier(okp.jwk());
            }
            return super.createJWSVerifier(header, key);
        }
    }
}
