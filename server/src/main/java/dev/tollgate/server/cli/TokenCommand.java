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
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.tollgate.core.key.SigningAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    @Option(names = "--server", defaultValue = "${env:TOLLGATE_URL:-http://127.0.0.1:8080}",
            description = "Server base URL (env TOLLGATE_URL).")
    String server;

    @Option(names = "--tenant", defaultValue = "10001")
    String tenant;

    // Not required at parse time: picocli would then demand them for "token verify" too.
    @Option(names = "--client-id", description = "Required.")
    String clientId;

    @Option(names = "--client-secret", defaultValue = "${env:TOLLGATE_CLIENT_SECRET}",
            description = "Prefer the environment variable TOLLGATE_CLIENT_SECRET: arguments show up in process lists.")
    String clientSecret;

    @Option(names = "--scope", description = "Space-separated scopes; default: the client's default scopes.")
    String scope;

    @Override
    public Integer call() throws Exception {
        if (clientId == null || clientSecret == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--client-id and --client-secret (or TOLLGATE_CLIENT_SECRET) are required");
        }
        URI endpoint = URI.create(trim(server) + "/t/" + tenant + "/oauth2/token");
        TokenRequest request = new TokenRequest(endpoint,
                new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret)),
                new ClientCredentialsGrant(), scope == null ? null : Scope.parse(scope));
        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
        if (!response.indicatesSuccess()) {
            TokenErrorResponse error = response.toErrorResponse();
            spec.commandLine().getErr().println("error: " + error.getErrorObject().getCode() + ": "
                    + error.getErrorObject().getDescription());
            return 1;
        }
        AccessTokenResponse ok = response.toSuccessResponse();
        spec.commandLine().getOut().println(ok.getTokens().getAccessToken().getValue());
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify an access token against the server's JWKS (signature, typ at+jwt, issuer, expiry) and print its claims.")
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--server", defaultValue = "${env:TOLLGATE_URL:-http://127.0.0.1:8080}")
        String server;

        @Option(names = "--tenant", defaultValue = "10001")
        String tenant;

        @Option(names = "--issuer", description = "Expected issuer; default <server>/t/<tenant>.")
        String issuer;

        @Parameters(index = "0", description = "The access token.")
        String token;

        @Override
        public Integer call() throws Exception {
            String base = trim(server) + "/t/" + tenant;
            String expectedIssuer = issuer != null ? issuer : base;
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(base + "/oauth2/jwks").toURL()).build();
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
                spec.commandLine().getOut().println(claims.toString());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (Exception e) {
                spec.commandLine().getErr().println("invalid token: " + e.getMessage());
                return 1;
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
