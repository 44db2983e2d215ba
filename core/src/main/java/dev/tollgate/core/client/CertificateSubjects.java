package dev.tollgate.core.client;

import javax.security.auth.x500.X500Principal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * RFC 8705 §2.1.2: whether a certificate carries the subject a {@code tls_client_auth} client
 * registered. Each field is compared the way its type is defined: a DN as a distinguished name
 * (RFC 4517 distinguishedNameMatch, which {@link X500Principal#equals} approximates: case and
 * spacing of attribute values do not count), a DNS name case-insensitively, a URI exactly, an IP
 * address as an address ({@code ::1} equals {@code 0:0:0:0:0:0:0:1}), an e-mail address with its
 * domain case-insensitive.
 */
public final class CertificateSubjects {

    // X509Certificate#getSubjectAlternativeNames' GeneralName tags (RFC 5280 §4.2.1.6).
    private static final int RFC822_NAME = 1;
    private static final int DNS_NAME = 2;
    private static final int URI = 6;
    private static final int IP_ADDRESS = 7;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private CertificateSubjects() {
    }

    /** Whether {@code certificate} carries {@code tls}'s registered subject; false when none is registered. */
    public static boolean matches(ClientTls tls, X509Certificate certificate) {
        if (!tls.hasSubject()) {
            return false;
        }
        String registered = tls.subjectValue();
        return switch (tls.subjectField()) {
            case SUBJECT_DN -> new X500Principal(registered).equals(certificate.getSubjectX500Principal());
            case SAN_DNS -> alternativeNames(certificate, DNS_NAME).stream().anyMatch(registered::equalsIgnoreCase);
            case SAN_URI -> alternativeNames(certificate, URI).contains(registered);
            case SAN_EMAIL -> alternativeNames(certificate, RFC822_NAME).stream()
                    .anyMatch(name -> sameMailbox(registered, name));
            case SAN_IP -> {
                InetAddress wanted = ipAddress(registered);
                yield alternativeNames(certificate, IP_ADDRESS).stream()
                        .anyMatch(name -> wanted.equals(ipAddressOrNull(name)));
            }
        };
    }

    /** @throws IllegalArgumentException when {@code value} is not an RFC 4514 distinguished name */
    static void requireDistinguishedName(String value) {
        try {
            new X500Principal(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls_client_auth_subject_dn is not a distinguished name"
                    + " (RFC 4514, e.g. CN=orders,O=Example)");
        }
    }

    /** @throws IllegalArgumentException when {@code value} is not an IPv4 or IPv6 literal (no name is resolved) */
    static void requireIpAddress(String value) {
        ipAddress(value);
    }

    private static InetAddress ipAddress(String value) {
        InetAddress address = ipAddressOrNull(value);
        if (address == null) {
            throw new IllegalArgumentException("tls_client_auth_san_ip is not an IP address");
        }
        return address;
    }

    private static InetAddress ipAddressOrNull(String value) {
        // Only literals: a host name here would be resolved through DNS on the token path.
        if (value == null || !IP_LITERAL.matcher(value).matches() || (value.indexOf(':') < 0 && value.indexOf('.') < 0)) {
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** RFC 5321 §2.4: the local part may be case-sensitive, the domain is not. */
    private static boolean sameMailbox(String registered, String presented) {
        int a = registered.lastIndexOf('@');
        int b = presented.lastIndexOf('@');
        if (a < 0 || b < 0) {
            return registered.equals(presented);
        }
        return registered.substring(0, a).equals(presented.substring(0, b))
                && registered.substring(a + 1).toLowerCase(Locale.ROOT)
                .equals(presented.substring(b + 1).toLowerCase(Locale.ROOT));
    }

    private static List<String> alternativeNames(X509Certificate certificate, int type) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(name -> name.size() == 2 && name.get(0) instanceof Integer t && t == type
                            && name.get(1) instanceof String)
                    .map(name -> (String) name.get(1))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
