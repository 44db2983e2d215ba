package dev.tollgate.server.http;

import dev.tollgate.core.tenant.TenantId;
import io.helidon.webserver.http.ServerRequest;

/** The {@code {tenant}} segment of a route's path, checked for shape only (whether it exists is the caller's question). */
public final class PathTenant {

    private PathTenant() {
    }

    /** The tenant the path names, or null when it names none or a malformed one. */
    public static TenantId of(ServerRequest request) {
        String raw = request.path().pathParameters().first("tenant").orElse("");
        return TenantId.isValid(raw) ? TenantId.of(raw) : null;
    }
}
