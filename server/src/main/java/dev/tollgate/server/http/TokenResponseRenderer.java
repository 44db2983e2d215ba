package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.tollgate.core.token.IssuedToken;
import io.helidon.webserver.http.ServerResponse;

/** Writes the policy's answer in one wire shape: the token on success, the error's status on refusal. */
interface TokenResponseRenderer {

    void issued(ServerResponse response, IssuedToken token);

    /** The RFC 6749 §5.2 error a refusal by the policy is answered with, in this shape. */
    default ErrorObject refused(ErrorObject error) {
        return error;
    }
}
