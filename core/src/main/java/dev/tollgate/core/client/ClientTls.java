package dev.tollgate.core.client;

import java.util.Locale;

/**
 * What a client's TLS certificate means to this server (RFC 8705): for a {@code tls_client_auth}
 * client, the one certificate field that names it (§2.1.2), and whether its tokens are bound to the
 * certificate it presents (§3, {@code tls_client_certificate_bound_access_tokens}).
 *
 * <p>A client authenticating with mTLS always gets certificate-bound tokens; {@code boundTokens}
 * makes the same true for a client that authenticates otherwise (a secret, a key) but presents a
 * certificate: its token requests without one are then refused, so none of its tokens is a bearer token.
 *
 * @param subjectField which field {@code subjectValue} is compared with; null when the client has none
 * @param subjectValue the registered value, e.g. {@code CN=orders,O=Example} or {@code orders.example.com}
 * @param boundTokens  RFC 8705 §3.4 {@code tls_client_certificate_bound_access_tokens}
 */
public record ClientTls(SubjectField subjectField, String subjectValue, boolean boundTokens) {

    public static final ClientTls NONE = new ClientTls(null, null, false);
    public static final int MAX_SUBJECT_LENGTH = 1024;

    /** RFC 8705 §2.1.2: a client registers exactly one of these; the names are its metadata members. */
    public enum SubjectField {
        SUBJECT_DN, SAN_DNS, SAN_URI, SAN_IP, SAN_EMAIL;

        /** {@code tls_client_auth_subject_dn}, {@code tls_client_auth_san_dns}, ... */
        public String metadataName() {
            return "tls_client_auth_" + name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for a name that is not one of RFC 8705 §2.1.2's five */
        public static SubjectField fromMetadataName(String name) {
            for (SubjectField field : values()) {
                if (field.metadataName().equals(name)) {
                    return field;
                }
            }
            throw new IllegalArgumentException("unknown certificate subject field '" + name + "'");
        }
    }

    public ClientTls {
        if ((subjectField == null) != (subjectValue == null || subjectValue.isBlank())) {
            throw new IllegalArgumentException("a certificate subject needs both its field and its value");
        }
        if (subjectField != null) {
            subjectValue = subjectValue.strip();
            if (subjectValue.length() > MAX_SUBJECT_LENGTH || subjectValue.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(subjectField.metadataName() + " must be at most "
                        + MAX_SUBJECT_LENGTH + " characters without control characters");
            }
            if (subjectField == SubjectField.SUBJECT_DN) {
                // RFC 8705 §2.1.2: compared as a distinguished name, so it must be one (RFC 4514).
                CertificateSubjects.requireDistinguishedName(subjectValue);
            } else if (subjectField == SubjectField.SAN_IP) {
                CertificateSubjects.requireIpAddress(subjectValue);
            }
        } else {
            subjectValue = null;
        }
    }

    /** A {@code tls_client_auth} client's registration: the field and value, tokens bound. */
    public static ClientTls subject(SubjectField field, String value) {
        return new ClientTls(field, value, true);
    }

    public boolean hasSubject() {
        return subjectField != null;
    }

    public ClientTls withBoundTokens(boolean bound) {
        return new ClientTls(subjectField, subjectValue, bound);
    }
}
