package dev.tollgate.server.http;

import dev.tollgate.core.token.TokenService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Reads one wire shape of token request into the policy's {@link TokenService.Request}, as Spring
 * Authorization Server's {@code AuthenticationConverter}s and Nimbus's {@code TokenRequest.parse} do:
 * the policy never sees which shape a request came in.
 */
@FunctionalInterface
interface TokenRequestConverter {

    /**
     * @param response for headers a refusal needs ({@code Allow} on a 405)
     * @throws HttpFailure the typed refusal: error to answer, reason to count, tenant if known
     */
    TokenService.Request parse(ServerRequest request, ServerResponse response) throws HttpFailure;
}
