package dev.tollgate.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.CertificateSubjects;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.token.TokenRefusal.Reason;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * RFC 8705 §2 client authentication with the TLS client certificate the request came with:
 *
 * <ul>
 *   <li>{@code tls_client_auth} (§2.1): the chain is validated with PKIX against the tenant's trusted
 *       CAs at the injected clock's time (expiry included, no revocation checking), then its leaf must
 *       carry the one subject the client registered (§2.1.2);</li>
 *   <li>{@code self_signed_tls_client_auth} (§2.2): the leaf's public key must be one of the client's
 *       registered keys (a JWK, or the key of a registered PEM certificate), compared as public keys; no CA
 *       is involved, but an
 *       expired certificate is refused all the same.</li>
 * </ul>
 *
 * The TLS handshake already proved the client holds the certificate's private key; this decides
 * whether that key stands for the client. Which method applies is the client's registration's to
 * say, never the request's. Every refusal is RFC 6749 §5.2 {@code invalid_client}; the precise
 * cause goes to the log only.
 */
public final class CertificateAuthenticator {

    /** Longer chains than this are not a client's: a bound on the PKIX work an unauthenticated request causes. */
    public static final int MAX_CHAIN_LENGTH = 8;

    public Optional<TokenRefusal> authenticate(Tenant tenant, ClientCredential client, List<X509Certificate> chain,
                                               Instant now) {
        if (client == null) {
            return Optional.of(TokenRefusal.invalidClient(Reason.UNKNOWN_CLIENT));
        }
        if (chain.isEmpty()) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_REQUIRED, "no client certificate"));
        }
        ClientAuthMethod registered = client.tokenEndpointAuthMethod();
        Optional<TokenRefusal> failure = switch (registered) {
            case TLS_CLIENT_AUTH -> caIssued(tenant.settings().clientCas(), client, chain, now);
            case SELF_SIGNED_TLS_CLIENT_AUTH -> selfSigned(client, chain.getFirst(), now);
            default -> Optional.of(TokenRefusal.invalidClient(Reason.AUTH_METHOD_NOT_ALLOWED,
                    "client is registered for " + registered.wireName() + ", not mutual TLS"));
        };
        if (failure.isPresent()) {
            return failure;
        }
        // Only a caller who proved the certificate learns the state of the client.
        if (!client.enabled()) {
            return Optional.of(new TokenRefusal(OAuthErrorCode.INVALID_CLIENT, "client is disabled",
                    Reason.CLIENT_DISABLED));
        }
        return Optional.empty();
    }

    private static Optional<TokenRefusal> caIssued(ClientCertificateAuthorities cas, ClientCredential client,
                                                   List<X509Certificate> chain, Instant now) {
        if (cas.isEmpty()) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_UNTRUSTED,
                    "the tenant has no trusted client CA (tenant setting tls-client-ca-bundle)"));
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_UNTRUSTED, "certificate chain too long"));
        }
        Optional<TokenRefusal> invalid = validate(cas, chain, now);
        if (invalid.isPresent()) {
            return invalid;
        }
        if (!CertificateSubjects.matches(client.tls(), chain.getFirst())) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_SUBJECT_MISMATCH,
                    "certificate does not carry the registered " + client.tls().subjectField().metadataName()));
        }
        return Optional.empty();
    }

    /** PKIX (RFC 5280 §6) from the leaf to one of the tenant's CAs, at {@code now}. */
    private static Optional<TokenRefusal> validate(ClientCertificateAuthorities cas, List<X509Certificate> chain,
                                                   Instant now) {
        // A client may send its CA along; the path the validator wants ends below the anchor.
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && isAnchor(cas, path.getLast())) {
            path.removeLast();
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(cas.anchors());
            // No CRL or OCSP fetches from the token path; revoke a client certificate by changing the
            // client's registration or the tenant's CA bundle.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            boolean expired = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID;
            return Optional.of(TokenRefusal.invalidClient(expired ? Reason.CERTIFICATE_EXPIRED
                    : Reason.CERTIFICATE_UNTRUSTED, reason(e)));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_UNTRUSTED, e.getMessage()));
        }
    }

    private static String reason(CertPathValidatorException e) {
        return e.getReason() == PKIXReason.NO_TRUST_ANCHOR ? "certificate not issued by a trusted client CA"
                : "certificate path invalid: " + e.getReason() + " (" + e.getMessage() + ")";
    }

    private static boolean isAnchor(ClientCertificateAuthorities cas, X509Certificate certificate) {
        for (TrustAnchor anchor : cas.anchors()) {
            if (certificate.equals(anchor.getTrustedCert())) {
                return true;
            }
        }
        return false;
    }

    private static Optional<TokenRefusal> selfSigned(ClientCredential client, X509Certificate leaf, Instant now) {
        try {
            leaf.checkValidity(Date.from(now));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_EXPIRED, e.getMessage()));
        }
        PublicKey presented = leaf.getPublicKey();
        for (JWK key : client.keys().inlineKeys()) {
            if (sameKey(key, presented)) {
                return Optional.empty();
            }
        }
        return Optional.of(TokenRefusal.invalidClient(Reason.CERTIFICATE_UNKNOWN_KEY,
                "certificate key is none of the client's registered keys"));
    }

    /** Whether a registered public JWK is the certificate's key: equal SubjectPublicKeyInfo, or equal Ed25519 bytes. */
    private static boolean sameKey(JWK registered, PublicKey presented) {
        byte[] encoded = presented.getEncoded();
        try {
            return switch (registered) {
                case RSAKey rsa -> Arrays.equals(rsa.toPublicKey().getEncoded(), encoded);
                case ECKey ec -> Arrays.equals(ec.toPublicKey().getEncoded(), encoded);
                // An Ed25519 SubjectPublicKeyInfo is a 12-byte prefix and the 32-byte key (RFC 8410 §4).
                case OctetKeyPair okp -> Curve.Ed25519.equals(okp.getCurve()) && encoded.length == 44
                        && ("Ed25519".equals(presented.getAlgorithm()) || "EdDSA".equals(presented.getAlgorithm()))
                        && Arrays.equals(okp.getX().decode(), Arrays.copyOfRange(encoded, 12, 44));
                default -> false;
            };
        } catch (JOSEException e) {
            return false;
        }
    }
}
