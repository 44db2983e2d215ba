package dev.tollgate.core.admin;

import dev.tollgate.core.tenant.Tenant;

import java.util.List;

/** A new tenant and the secrets of its two default credentials, shown once. */
public record ProvisionedTenant(Tenant tenant, List<ClientWithSecret> clients) {
}
