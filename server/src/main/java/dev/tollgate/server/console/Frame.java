package dev.tollgate.server.console;

import dev.tollgate.core.admin.Capability;

import java.util.Set;

/**
 * What the shared layout needs to draw a page: its title, the tenant and admin signed in, the
 * navigation the admin may use, the session's CSRF token for the forms, and a notice or error to
 * show above the content.
 *
 * @param tenant     the signed-in admin's tenant id; null when nobody is signed in
 * @param tenantName the tenant's name, or null when it says no more than the id ("Tenant 10001")
 * @param username null when nobody is signed in (login and error pages)
 * @param csrf     the session's CSRF token; null when nobody is signed in
 * @param forced   the admin must change their password before anything else, so no navigation
 * @param fields   what is wrong with each field of a refused form; empty otherwise
 */
public record Frame(String title, Section section, String tenant, String tenantName, String username, String csrf,
                    Set<Capability> capabilities, boolean forced, String notice, String error, FieldErrors fields) {

    public enum Section { NONE, CLIENTS, SCOPES, SETTINGS, ADMINS, USERS, AUDIT, ACCOUNT, SECOND_FACTOR }

    public Frame {
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        fields = fields == null ? new FieldErrors() : fields;
    }

    static Frame anonymous(String title) {
        return new Frame(title, Section.NONE, null, null, null, null, Set.of(), false, null, null, null);
    }

    public boolean signedIn() {
        return username != null;
    }

    public boolean may(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Navigation is offered once signed in and past a forced password change. */
    public boolean navigation() {
        return signedIn() && !forced;
    }

    public boolean active(Section candidate) {
        return section == candidate;
    }

    public Frame withError(String message) {
        return new Frame(title, section, tenant, tenantName, username, csrf, capabilities, forced, notice, message,
                fields);
    }

    /** A refused form's field messages, and a line above the page that counts them. */
    public Frame withFields(FieldErrors errors) {
        return new Frame(title, section, tenant, tenantName, username, csrf, capabilities, forced, notice,
                errors.isEmpty() ? error : errors.summary(), errors);
    }

    public Frame withNotice(String message) {
        return new Frame(title, section, tenant, tenantName, username, csrf, capabilities, forced, message, error,
                fields);
    }
}
