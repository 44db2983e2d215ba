package dev.tollgate.core.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The public keys a {@code private_key_jwt} client signs its assertions with (RFC 7523 §2.2): an
 * inline JWK set, or a {@code jwks_uri} the server fetches (RFC 7591 §2 allows one or the other,
 * never both). Only public keys: a JWK with private members is refused, since the server must never
 * hold what lets someone else act as the client.
 *
 * <p>Every inline key has a {@code kid} (its RFC 7638 thumbprint when the uploader gave none), so an
 * assertion picks its key by {@code kid}; several keys let a client rotate with overlap.
 *
 * @param jwks    the inline keys, or null
 * @param jwksUri where the client publishes its keys, or null
 */
public record ClientKeys(JWKSet jwks, URI jwksUri) {

    public static final ClientKeys NONE = new ClientKeys(null, null);
    public static final int MAX_KEYS = 10;
    public static final int MAX_URI_LENGTH = 2048;
    /** Longest stored JWK set, as JSON: ten 4096-bit RSA keys with certificates fit. */
    public static final int MAX_JSON_LENGTH = 65_536;
    private static final int MIN_RSA_BITS = 2048;
    private static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.P_521, Curve.Ed25519);

    public ClientKeys {
        if (jwks != null && jwksUri != null) {
            throw new IllegalArgumentException("jwks and jwks_uri: register one or the other, not both (RFC 7591 section 2)");
        }
        if (jwks != null) {
            jwks = validated(jwks.getKeys());
        }
        if (jwksUri != null) {
            requireFetchable(jwksUri);
        }
    }

    public static ClientKeys inline(List<JWK> keys) {
        return new ClientKeys(new JWKSet(keys), null);
    }

    public static ClientKeys remote(URI uri) {
        return new ClientKeys(null, uri);
    }

    public boolean isEmpty() {
        return jwks == null && jwksUri == null;
    }

    public List<JWK> inlineKeys() {
        return jwks == null ? List.of() : jwks.getKeys();
    }

    /** The inline keys plus {@code added}; a {@code kid} already present is refused. */
    public ClientKeys withKeys(List<JWK> added) {
        List<JWK> all = new ArrayList<>(inlineKeys());
        all.addAll(added);
        return inline(all);
    }

    /** The inline keys without the one of {@code kid}. @throws IllegalArgumentException when there is none */
    public ClientKeys withoutKey(String kid) {
        List<JWK> kept = inlineKeys().stream().filter(k -> !kid.equals(k.getKeyID())).toList();
        if (kept.size() == inlineKeys().size()) {
            throw new IllegalArgumentException("the client has no key with kid " + kid);
        }
        return kept.isEmpty() ? NONE : inline(kept);
    }

    /** The public JWK set as stored: JSON, public members only. */
    public String jwksJson() {
        return jwks == null ? null : jwks.toString(true);
    }

    /** @throws IllegalArgumentException when {@code json} is not a JWK set this class accepts */
    public static ClientKeys fromStoredJson(String json, String uri) {
        try {
            return new ClientKeys(json == null ? null : JWKSet.parse(json), uri == null ? null : new URI(uri));
        } catch (ParseException | URISyntaxException e) {
            throw new IllegalArgumentException("stored client keys can't be read: " + e.getMessage(), e);
        }
    }

    /**
     * Public keys from what an administrator pastes or a file holds: a JWK, a JWK set, a PEM public
     * key ({@code -----BEGIN PUBLIC KEY-----}) or a PEM certificate. Keys without a {@code kid} get
     * their RFC 7638 thumbprint.
     *
     * @throws IllegalArgumentException naming what is wrong (private members, unsupported key, not parseable)
     */
    public static List<JWK> parsePublicKeys(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("no key given: paste a JWK, a JWK set, a PEM public key or a PEM certificate");
        }
        if (trimmed.length() > MAX_JSON_LENGTH) {
            throw new IllegalArgumentException("keys must be at most " + MAX_JSON_LENGTH + " characters");
        }
        List<JWK> keys;
        if (trimmed.startsWith("{")) {
            keys = parseJson(trimmed);
        } else if (trimmed.startsWith("-----BEGIN")) {
            keys = parsePem(trimmed);
        } else {
            throw new IllegalArgumentException("not a JWK, JWK set, PEM public key or PEM certificate");
        }
        List<JWK> named = new ArrayList<>();
        for (JWK key : keys) {
            refusePrivate(key);
            named.add(key.getKeyID() == null ? withThumbprintKid(key) : key);
        }
        return validated(named).getKeys();
    }

    /** RFC 7638 thumbprint, base64url: what the console and CLI show next to each key. */
    public static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot compute the key's thumbprint", e);
        }
    }

    private static List<JWK> parseJson(String json) {
        try {
            if (json.contains("\"keys\"")) {
                // JWKSet.parse drops keys it can't parse; count them, so nothing is lost silently.
                JWKSet set = JWKSet.parse(json);
                int given = com.nimbusds.jose.util.JSONObjectUtils.getJSONArray(
                        com.nimbusds.jose.util.JSONObjectUtils.parse(json), "keys").size();
                if (set.getKeys().size() != given) {
                    throw new IllegalArgumentException("the JWK set holds a key that is not an RSA, EC or OKP key");
                }
                return set.getKeys();
            }
            return List.of(JWK.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK or JWK set: " + e.getMessage());
        }
    }

    private static List<JWK> parsePem(String pem) {
        List<JWK> keys = new ArrayList<>();
        String[] blocks = pem.split("-----END [A-Z ]+-----");
        for (String block : blocks) {
            String b = block.strip();
            if (b.isEmpty()) {
                continue;
            }
            int header = b.indexOf("-----BEGIN ");
            int headerEnd = header < 0 ? -1 : b.indexOf("-----", header + 11);
            if (header < 0 || headerEnd < 0) {
                throw new IllegalArgumentException("not a PEM block");
            }
            String type = b.substring(header + 11, headerEnd).strip();
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(b.substring(headerEnd + 5));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the PEM block is not valid base64");
            }
            keys.add(switch (type) {
                case "PUBLIC KEY" -> fromPublicKey(publicKey(der));
                case "CERTIFICATE" -> fromCertificate(der);
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
                        throw new IllegalArgumentException("that is a private key: give the public key only"
                                + " (openssl pkey -pubout), never the private one");
                default -> throw new IllegalArgumentException("unsupported PEM block " + type
                        + "; give a PUBLIC KEY or a CERTIFICATE");
            });
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PEM block found");
        }
        return keys;
    }

    private static PublicKey publicKey(byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception tryNext) {
                // Each factory parses only its own algorithm's SubjectPublicKeyInfo.
            }
        }
        throw new IllegalArgumentException("the PEM public key is not an RSA, EC or Ed25519 key");
    }

    private static JWK fromCertificate(byte[] der) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return fromPublicKey(certificate.getPublicKey());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the PEM certificate can't be read");
        }
    }

    private static JWK fromPublicKey(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("unsupported EC curve; use P-256, P-384 or P-521");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        if (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")) {
            byte[] encoded = key.getEncoded();
            // The X.509 SubjectPublicKeyInfo of an Ed25519 key is a 12-byte prefix and the 32-byte key.
            if (encoded.length != 44) {
                throw new IllegalArgumentException("only Ed25519 EdDSA keys are supported");
            }
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(encoded, 12, 44))).build();
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
    }

    private static JWK withThumbprintKid(JWK key) {
        String kid = thumbprint(key);
        return switch (key) {
            case RSAKey rsa -> new RSAKey.Builder(rsa).keyID(kid).build();
            case ECKey ec -> new ECKey.Builder(ec).keyID(kid).build();
            case OctetKeyPair okp -> new OctetKeyPair.Builder(okp).keyID(kid).build();
            default -> throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
        };
    }

    private static void refusePrivate(JWK key) {
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key " + printable(key.getKeyID()) + " has private members (such as 'd'):"
                    + " upload the public key only, the private key never leaves the client");
        }
    }

    private static JWKSet validated(List<JWK> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a JWK set needs at least one key");
        }
        if (keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_KEYS + " keys per client");
        }
        Set<String> kids = new HashSet<>();
        List<JWK> publicOnly = new ArrayList<>();
        for (JWK key : keys) {
            refusePrivate(key);
            String kid = key.getKeyID();
            if (kid == null || kid.isEmpty() || kid.length() > 128 || kid.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
                throw new IllegalArgumentException("every key needs a kid of 1-128 printable ASCII characters");
            }
            if (!kids.add(kid)) {
                throw new IllegalArgumentException("two keys have kid " + kid + "; a kid names one key");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                throw new IllegalArgumentException("key " + kid + " has use '" + key.getKeyUse().identifier()
                        + "'; client keys sign, so use must be 'sig' or absent");
            }
            requireSupported(key);
            if (key.getAlgorithm() != null) {
                JWSAlgorithm alg = JWSAlgorithm.parse(key.getAlgorithm().getName());
                if (!ClientKeyAlgorithms.fits(alg, key)) {
                    throw new IllegalArgumentException("key " + kid + " has alg " + alg + ", which its key type can't sign with;"
                            + " allowed: " + ClientKeyAlgorithms.forKey(key));
                }
            }
            publicOnly.add(key.toPublicJWK());
        }
        return new JWKSet(publicOnly);
    }

    private static void requireSupported(JWK key) {
        KeyType type = key.getKeyType();
        if (KeyType.RSA.equals(type)) {
            if (key.size() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("key " + key.getKeyID() + " is a " + key.size()
                        + "-bit RSA key; at least " + MIN_RSA_BITS + " bits");
            }
        } else if (KeyType.EC.equals(type) || KeyType.OKP.equals(type)) {
            Curve curve = type.equals(KeyType.EC) ? ((ECKey) key).getCurve() : ((OctetKeyPair) key).getCurve();
            if (!CURVES.contains(curve)) {
                throw new IllegalArgumentException("key " + key.getKeyID() + " uses curve " + curve
                        + "; supported: P-256, P-384, P-521, Ed25519");
            }
        } else {
            // oct is a shared secret (HMAC): RFC 7523 private_key_jwt needs an asymmetric key.
            throw new IllegalArgumentException("key " + key.getKeyID() + " is of type " + type
                    + "; client keys are RSA, EC or OKP (Ed25519) public keys");
        }
    }

    /** https, or http (refused when fetched unless private addresses are allowed); no userinfo, no fragment. */
    private static void requireFetchable(URI uri) {
        String text = uri.toString();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (text.length() > MAX_URI_LENGTH || !uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))
                || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("jwks_uri must be an absolute https URL of at most " + MAX_URI_LENGTH
                    + " characters, without user info or fragment");
        }
    }

    private static String printable(String value) {
        if (value == null) {
            return "(no kid)";
        }
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
