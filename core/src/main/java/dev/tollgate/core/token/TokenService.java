package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.key.SigningKeyRing;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The client-credentials grant (RFC 6749 §4.4) as policy: find the tenant and client, authenticate,
 * decide the grant, mint. Protocol adapters (the canonical endpoint and the compatibility routes)
 * parse their wire shape into a {@link Request} and render the {@link Outcome}.
 */
public final class TokenService {

    /**
     * @param requestedScopes null when no {@code scope} was sent
     * @param queryCredentials true when the credentials came in the URL query string
     * @param dpopJkt          the thumbprint of the key a checked DPoP proof was signed with (RFC 9449 §4.3),
     *                         null when the request carried no proof
     */
    public record Request(TenantId tenant, PresentedCredentials credentials, ScopeSet requestedScopes,
                          List<String> resources, boolean queryCredentials, String dpopJkt) {
        public Request {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(credentials, "credentials");
            resources = List.copyOf(resources);
        }

        /** A request without a DPoP proof. */
        public Request(TenantId tenant, PresentedCredentials credentials, ScopeSet requestedScopes,
                       List<String> resources, boolean queryCredentials) {
            this(tenant, credentials, requestedScopes, resources, queryCredentials, null);
        }

        /** The same request, its DPoP proof checked and bound to the key {@code jkt}. */
        public Request withDpopJkt(String jkt) {
            return new Request(tenant, credentials, requestedScopes, resources, queryCredentials, jkt);
        }
    }

    /** Exactly one of {@code token} and {@code refusal} is set; {@code client} is set once it was identified. */
    public record Outcome(IssuedToken token, TokenRefusal refusal, ClientCredential client) {
        public boolean isIssued() {
            return token != null;
        }
    }

    private final Directory directory;
    private final ClientAuthenticator authenticator;
    /** Null where private_key_jwt is not wired (tests of the secret path): such assertions are refused. */
    private final ClientAssertionVerifier assertions;
    private final CertificateAuthenticator certificates = new CertificateAuthenticator();
    /** Null where federation is not wired: platform tokens are then refused. */
    private final FederatedAssertionVerifier federated;
    private final TokenPolicy policy;
    private final TokenMinter minter;
    private final Function<TenantId, String> issuers;
    private final Clock clock;

    public TokenService(Directory directory, ClientAuthenticator authenticator, Function<TenantId, String> issuers,
                        Clock clock) {
        this(directory, authenticator, null, null, issuers, clock);
    }

    public TokenService(Directory directory, ClientAuthenticator authenticator, ClientAssertionVerifier assertions,
                        Function<TenantId, String> issuers, Clock clock) {
        this(directory, authenticator, assertions, null, issuers, clock);
    }

    /**
     * @param assertions checks RFC 7523 client assertions (private_key_jwt)
     * @param federated  checks platform tokens of federated_jwt clients (workload identity federation)
     */
    public TokenService(Directory directory, ClientAuthenticator authenticator, ClientAssertionVerifier assertions,
                        FederatedAssertionVerifier federated, Function<TenantId, String> issuers, Clock clock) {
        this.directory = directory;
        this.authenticator = authenticator;
        this.assertions = assertions;
        this.federated = federated;
        this.policy = new TokenPolicy();
        this.minter = new TokenMinter();
        this.issuers = issuers;
        this.clock = clock;
    }

    /**
     * The outcome of authenticating a client at one tenant: {@code refusal} is null when it
     * succeeded; {@code tenant} and {@code client} are set once they were identified.
     */
    public record Authentication(Tenant tenant, ClientCredential client, TokenRefusal refusal) {
        public boolean isAuthenticated() {
            return refusal == null;
        }
    }

    public Outcome issue(Request request) {
        Authentication authentication = authenticate(request.tenant(), request.credentials(),
                request.queryCredentials());
        if (!authentication.isAuthenticated()) {
            return refused(authentication.refusal(), authentication.client());
        }
        Tenant tenant = authentication.tenant();
        ClientCredential client = authentication.client();
        if (client.dpopBound() && request.dpopJkt() == null) {
            // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens never gets a bearer token.
            return refused(new TokenRefusal(OAuthErrorCode.INVALID_DPOP_PROOF,
                    "this client requires a DPoP proof (RFC 9449): send a DPoP header", Reason.DPOP_REQUIRED), client);
        }
        Confirmation cnf = confirmation(request.credentials(), client);
        if (cnf == null) {
            return refused(new TokenRefusal(OAuthErrorCode.INVALID_REQUEST, "this client's tokens are bound to its"
                    + " TLS client certificate (tls_client_certificate_bound_access_tokens, RFC 8705 section 3):"
                    + " present one", Reason.CERTIFICATE_REQUIRED), client);
        }
        Instant now = clock.instant();
        String issuer = issuers.apply(tenant.id());
        TokenPolicy.Decision decision = policy.decide(tenant, client, request.requestedScopes(), request.resources(), issuer);
        if (!decision.isGranted()) {
            return refused(decision.refusal(), client);
        }
        Optional<SigningKeyRing> ring = directory.keyRing(tenant.id());
        if (ring.isEmpty()) {
            return refused(new TokenRefusal(OAuthErrorCode.TEMPORARILY_UNAVAILABLE, "tenant has no signing key",
                    Reason.SIGNING_UNAVAILABLE), client);
        }
        try {
            // One cnf object for both bindings (RFC 7800 §3.1): the DPoP key and, where it applies, the certificate.
            Confirmation bound = request.dpopJkt() == null ? cnf : new Confirmation(request.dpopJkt(), cnf.x5tS256());
            return new Outcome(minter.mint(decision.grant(), ring.get(), issuer, now, bound), null, client);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed for tenant " + tenant.id(), e);
        }
    }

    /**
     * RFC 8705 §3: a client that authenticated with its certificate, or whose registration asks for
     * it, gets a token bound to the certificate ({@code cnf.x5t#S256}); others a bearer token.
     *
     * @return null when the token must be bound and no certificate was presented
     */
    private static Confirmation confirmation(PresentedCredentials presented, ClientCredential client) {
        if (!presented.method().usesCertificate() && !client.certificateBoundTokens()) {
            return Confirmation.NONE;
        }
        return presented.certificate() == null ? null : Confirmation.certificate(presented.certificate());
    }

    /**
     * Client authentication exactly as the token endpoint does it, for the other endpoints a client
     * calls with its credentials (introspection, revocation): cached tenant and client, keyed hash.
     */
    public Authentication authenticate(TenantId tenantId, PresentedCredentials presented, boolean queryCredentials) {
        Optional<Tenant> maybeTenant = directory.tenant(tenantId);
        if (maybeTenant.isEmpty()) {
            return new Authentication(null, null,
                    new TokenRefusal(OAuthErrorCode.INVALID_REQUEST, "unknown tenant", Reason.UNKNOWN_TENANT));
        }
        Tenant tenant = maybeTenant.get();
        if (queryCredentials && !tenant.settings().allowQueryCredentials()) {
            return new Authentication(tenant, null, queryCredentialsRefusal(tenant.id()));
        }
        ClientCredential client = ClientId.isValid(presented.clientId())
                ? directory.client(tenant.id(), new ClientId(presented.clientId())).orElse(null)
                : null;
        Optional<TokenRefusal> authFailure;
        if (presented.method().usesCertificate()) {
            authFailure = certificates.authenticate(tenant, client, presented.certificates(), clock.instant());
        } else if (presented.method() == ClientAuthMethod.PRIVATE_KEY_JWT && client != null
                && client.tokenEndpointAuthMethod() == ClientAuthMethod.FEDERATED_JWT) {
            // Same wire form (RFC 7523 jwt-bearer assertion); the registration says whose token it is.
            authFailure = federated != null
                    ? federated.verify(tenant, client, presented, issuers.apply(tenant.id()))
                    : Optional.of(TokenRefusal.invalidClient(Reason.AUTH_METHOD_NOT_ALLOWED, "federated_jwt is not enabled"));
        } else if (presented.method() == ClientAuthMethod.PRIVATE_KEY_JWT) {
            authFailure = assertions != null
                    ? assertions.verify(tenant, client, presented, issuers.apply(tenant.id()))
                    : Optional.of(TokenRefusal.invalidClient(Reason.AUTH_METHOD_NOT_ALLOWED, "private_key_jwt is not enabled"));
        } else {
            authFailure = authenticator.authenticate(client, presented, clock.instant());
        }
        return new Authentication(tenant, client, authFailure.orElse(null));
    }

    /** RFC 6749 §2.3.1 forbids credentials in the URL; the description says how to get going anyway. */
    public static TokenRefusal queryCredentialsRefusal(TenantId tenant) {
        return new TokenRefusal(OAuthErrorCode.INVALID_REQUEST,
                "client credentials in the query string are not accepted (RFC 6749 section 2.3.1); send them with"
                        + " HTTP Basic authentication or in the form body, or enable the tenant setting "
                        + TenantSettings.ALLOW_QUERY_CREDENTIALS
                        + " (tollgate tenant set --tenant " + tenant.value() + " --"
                        + TenantSettings.ALLOW_QUERY_CREDENTIALS + "=true)",
                Reason.QUERY_CREDENTIALS_DISABLED);
    }

    private static Outcome refused(TokenRefusal refusal, ClientCredential client) {
        return new Outcome(null, refusal, client);
    }
}
