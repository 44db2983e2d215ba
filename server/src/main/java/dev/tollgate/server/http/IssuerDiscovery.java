package dev.tollgate.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.tollgate.core.token.FederatedAssertionVerifier;
import dev.tollgate.core.token.JwksUriCache;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * Finds a trusted issuer's {@code jwks_uri} from its metadata, fetched with the same guards as a
 * client's jwks_uri ({@link JwksUriFetcher}): first OIDC Discovery 1.0 §4
 * ({@code <issuer>/.well-known/openid-configuration}, what Kubernetes' service-account issuer and
 * SPIRE's OIDC discovery provider serve), then RFC 8414 §3.1 (the well-known segment inserted
 * before the issuer's path). The document's {@code issuer} must be the issuer asked for (OIDC
 * Discovery §4.3, RFC 8414 §3.3), so one issuer can't point at another's keys.
 */
public final class IssuerDiscovery implements FederatedAssertionVerifier.Discovery {

    private final JwksUriFetcher fetcher;

    public IssuerDiscovery(JwksUriFetcher fetcher) {
        this.fetcher = fetcher;
    }

    @Override
    public URI jwksUri(String issuer) throws JwksUriCache.FetchException {
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI base = URI.create(trimmed);
        URI oidc = URI.create(trimmed + "/.well-known/openid-configuration");
        URI rfc8414 = base.resolve("/.well-known/oauth-authorization-server"
                + (base.getRawPath() == null ? "" : base.getRawPath()));
        byte[] document;
        try {
            document = fetcher.get(oidc);
        } catch (JwksUriCache.FetchException oidcFailed) {
            try {
                document = fetcher.get(rfc8414);
            } catch (JwksUriCache.FetchException e) {
                throw new JwksUriCache.FetchException(oidc + ": " + oidcFailed.getMessage() + "; " + rfc8414 + ": "
                        + e.getMessage());
            }
        }
        Map<String, Object> metadata;
        try {
            metadata = JSONObjectUtils.parse(new String(document, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new JwksUriCache.FetchException("discovery document is not a JSON object");
        }
        if (!issuer.equals(metadata.get("issuer"))) {
            throw new JwksUriCache.FetchException("discovery document names issuer " + metadata.get("issuer")
                    + ", not " + issuer);
        }
        if (!(metadata.get("jwks_uri") instanceof String jwksUri)) {
            throw new JwksUriCache.FetchException("discovery document has no jwks_uri");
        }
        try {
            return new URI(jwksUri);
        } catch (java.net.URISyntaxException e) {
            throw new JwksUriCache.FetchException("discovery document's jwks_uri is not a URI");
        }
    }
}
