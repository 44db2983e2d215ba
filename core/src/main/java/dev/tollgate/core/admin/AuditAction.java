package dev.tollgate.core.admin;

/**
 * The audit log's actions: dotted lower-case verbs, so the audit filter can match by prefix
 * ({@code client.} for every change to clients).
 */
public final class AuditAction {

    public static final String CLIENT_CREATE = "client.create";
    public static final String CLIENT_UPDATE = "client.update";
    /** A {@link ClientUpdate} that changed nothing but the enabled flag. */
    public static final String CLIENT_ENABLE = "client.enable";
    public static final String CLIENT_DISABLE = "client.disable";
    public static final String CLIENT_ROTATE_SECRET = "client.rotate_secret";
    public static final String CLIENT_REVOKE_PREVIOUS_SECRET = "client.revoke_previous_secret";
    /** Every token issued to the client until now revoked. */
    public static final String CLIENT_REVOKE_TOKENS = "client.revoke_tokens";
    public static final String CLIENT_DELETE = "client.delete";
    /** A private_key_jwt client's public keys added, removed, or its jwks_uri changed. */
    public static final String CLIENT_KEYS_CHANGE = "client.keys_change";
    /** A client's RFC 8705 certificate subject or certificate-bound-token switch changed. */
    public static final String CLIENT_TLS_CHANGE = "client.tls_change";
    /** A federated_jwt client bound to an (issuer, subject) pair (workload identity federation). */
    public static final String CLIENT_FEDERATION_BIND = "client.federation_bind";
    /** A tenant trusts another external issuer, or no longer trusts one. */
    public static final String FEDERATION_ISSUER_ADD = "federation.issuer_add";
    public static final String FEDERATION_ISSUER_REMOVE = "federation.issuer_remove";
    public static final String SCOPE_CREATE = "scope.create";
    public static final String SCOPE_UPDATE = "scope.update";
    public static final String SCOPE_DELETE = "scope.delete";
    public static final String ADMIN_CREATE = "admin.create";
    public static final String ADMIN_UPDATE = "admin.update";
    public static final String ADMIN_DELETE = "admin.delete";
    /** Another admin's password replaced by a generated one, to be changed at their next login. */
    public static final String ADMIN_PASSWORD_RESET = "admin.password_reset";
    /** Another admin's second factor removed, so they can enrol a new one (a lost phone). */
    public static final String ADMIN_TOTP_RESET = "admin.totp_reset";
    /** Written by {@link AdminAccounts}: sign-ins, accepted and refused, and an admin's own second factor. */
    public static final String ADMIN_LOGIN = "admin.login";
    public static final String ADMIN_LOGIN_FAILED = "admin.login_failed";
    public static final String ADMIN_TOTP_ENROLL = "admin.totp_enroll";
    public static final String ADMIN_TOTP_DISABLE = "admin.totp_disable";
    /** Suggested actions for {@link AuditOperations#record}: an admin's own session events. */
    public static final String ADMIN_LOGOUT = "admin.logout";
    public static final String ADMIN_PASSWORD_CHANGE = "admin.password_change";
    public static final String USER_CREATE = "user.create";
    public static final String USER_UPDATE = "user.update";
    public static final String USER_DELETE = "user.delete";
    public static final String TENANT_CREATE = "tenant.create";
    public static final String TENANT_UPDATE = "tenant.update";
    /** The tenant's signing keys rotated: NEXT became CURRENT. */
    public static final String KEY_ROTATE = "key.rotate";
    /** A key removed in an emergency: out of the JWKS at once, its tokens refused. */
    public static final String KEY_REVOKE = "key.revoke";

    private AuditAction() {
    }
}
