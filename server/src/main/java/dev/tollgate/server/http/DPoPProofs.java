package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.dpop.DPoPNonces;
import dev.tollgate.core.replay.ReplayCache;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.verifier.DPoPNonceSource;
import dev.tollgate.verifier.DPoPProofVerifier;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * DPoP (RFC 9449) as this server speaks it, at the token endpoint and the built-in APIs: one
 * {@link DPoPProofVerifier} whose used {@code jti}s go to the store-backed {@link ReplayCache}
 * (so a proof is single-use across every node), the tenant's nonce setting, and the URI a client
 * addressed, built from the configured public URL so it is right behind a proxy.
 */
public final class DPoPProofs {

    /** RFC 9449 §4.1. */
    public static final HeaderName DPOP = HeaderNames.create("DPoP");
    /** RFC 9449 §8.1. */
    public static final HeaderName DPOP_NONCE = HeaderNames.create("DPoP-Nonce");

    /** Replay namespace of proofs; per key, since a {@code jti} is the key holder's to choose. */
    private static final String NAMESPACE = "dpop:";

    private final DPoPProofVerifier verifier;
    private final Directory directory;
    private final DPoPNonces nonces;
    private final Function<TenantId, String> issuers;

    public DPoPProofs(Directory directory, DPoPNonces nonces, ReplayCache replays, Function<TenantId, String> issuers,
                      Clock clock) {
        this.directory = directory;
        this.nonces = nonces;
        this.issuers = issuers;
        this.verifier = DPoPProofVerifier.builder()
                .clock(clock)
                .replayCheck((jkt, jti, until) -> replays.firstUse(NAMESPACE + jkt, jti, until))
                .build();
    }

    public DPoPProofVerifier verifier() {
        return verifier;
    }

    /** The tenant's nonces as the verifier library asks for them: none current while the setting is off. */
    public DPoPNonceSource nonceSource(TenantId tenant) {
        return new DPoPNonceSource() {
            @Override
            public String current() {
                return currentNonce(tenant);
            }

            @Override
            public boolean isValid(String nonce) {
                return nonces.isValid(tenant, nonce);
            }
        };
    }

    /** The nonce to send in {@code DPoP-Nonce}; null while the tenant does not require nonces. */
    public String currentNonce(TenantId tenant) {
        boolean required = directory.tenant(tenant).map(Tenant::settings).map(s -> s.dpopNonces()).orElse(false);
        return required ? nonces.current(tenant) : null;
    }

    /**
     * The URI the client addressed: the public base URL (of which the tenant's issuer is
     * {@code <base>/t/<tenant>}) and the request's path.
     */
    public URI requestUri(TenantId tenant, ServerRequest request) {
        String issuer = issuers.apply(tenant);
        String suffix = "/t/" + tenant.value();
        String base = issuer.endsWith(suffix) ? issuer.substring(0, issuer.length() - suffix.length()) : issuer;
        return URI.create(base + request.path().rawPath());
    }

    /**
     * Checks the token request's proof, if it has one (RFC 9449 §5).
     *
     * @return the proof key's thumbprint, or null when the request carries no {@code DPoP} header
     * @throws HttpFailure 400 {@code invalid_dpop_proof}, or 400 {@code use_dpop_nonce} with the
     *                     {@code DPoP-Nonce} header set on {@code response} (§8)
     */
    String checkTokenRequest(ServerRequest request, ServerResponse response, TenantId tenant) throws HttpFailure {
        List<String> proofs = request.headers().values(DPOP);
        if (proofs.isEmpty()) {
            return null;
        }
        String nonce = currentNonce(tenant);
        DPoPProofVerifier.Result result = verifier.verify(proofs, request.prologue().method().text(),
                requestUri(tenant, request), null, nonce == null ? null : presented -> nonces.isValid(tenant, presented));
        return switch (result) {
            case DPoPProofVerifier.Valid valid -> valid.jkt();
            case DPoPProofVerifier.Invalid invalid -> {
                if (invalid.isNonceRequired()) {
                    response.header(DPOP_NONCE, nonce);
                }
                // RFC 9449 §5 and §8: 400 with the error code; the description says which check failed.
                throw new HttpFailure(new ErrorObject(invalid.error(), invalid.description(), 400),
                        invalid.isNonceRequired() ? TokenRefusal.Reason.DPOP_NONCE_REQUIRED
                                : TokenRefusal.Reason.DPOP_PROOF_INVALID, tenant);
            }
        };
    }
}
