package dev.tollgate.server.admin;

import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientTls.SubjectField;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The RFC 8705 client metadata the admin API takes, in RFC 8705's names: at most one of
 * {@code tls_client_auth_subject_dn}, {@code _san_dns}, {@code _san_uri}, {@code _san_ip},
 * {@code _san_email} (§2.1.2), and {@code tls_client_certificate_bound_access_tokens} (§3.4).
 */
final class ClientTlsFields {

    static final String BOUND_TOKENS = "tls_client_certificate_bound_access_tokens";

    /** Every field this reads. */
    static final Set<String> FIELDS = fields();

    private ClientTlsFields() {
    }

    private static Set<String> fields() {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(SubjectField.values()).map(SubjectField::metadataName).forEach(names::add);
        names.add(BOUND_TOKENS);
        return Set.copyOf(names);
    }

    /**
     * @param boundByDefault what an absent {@code tls_client_certificate_bound_access_tokens} means
     * @return null when a field is wrong (noted in {@code fields})
     */
    static ClientTls parse(JsonFields fields, boolean boundByDefault) {
        SubjectField field = null;
        String value = null;
        for (SubjectField candidate : SubjectField.values()) {
            String given = fields.string(candidate.metadataName(), false);
            if (given == null) {
                continue;
            }
            if (field != null) {
                fields.problem(candidate.metadataName(), "give exactly one certificate subject field (RFC 8705"
                        + " section 2.1.2); " + field.metadataName() + " is given too");
                return null;
            }
            field = candidate;
            value = given;
        }
        Boolean bound = fields.bool(BOUND_TOKENS);
        try {
            return new ClientTls(field, value, bound == null ? boundByDefault : bound);
        } catch (IllegalArgumentException e) {
            fields.problem(field == null ? BOUND_TOKENS : field.metadataName(), e.getMessage());
            return null;
        }
    }
}
