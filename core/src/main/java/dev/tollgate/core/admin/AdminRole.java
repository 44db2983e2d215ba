package dev.tollgate.core.admin;

/** An admin manages everything in the tenant; an additional admin only what their capabilities allow. */
public enum AdminRole {
    ADMIN,
    ADDITIONAL_ADMIN
}
