package dev.tollgate.server.http;

import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The payment gateway's {@code POST /oauth/token}: the canonical form for the configured default
 * tenant, whose credentials may come in the query string when that tenant allows it (the policy
 * decides, from {@link TokenService.Request#queryCredentials()}). Answered with {@code jti}.
 */
final class PaymentGatewayTokenRequest implements TokenRequestConverter {

    private final TenantId defaultTenant;
    private final int maxBodyBytes;

    PaymentGatewayTokenRequest(TenantId defaultTenant, int maxBodyBytes) {
        this.defaultTenant = defaultTenant;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public TokenService.Request parse(ServerRequest request, ServerResponse response) throws HttpFailure {
        return FormTokenRequest.parse(defaultTenant, request, response, maxBodyBytes);
    }
}
