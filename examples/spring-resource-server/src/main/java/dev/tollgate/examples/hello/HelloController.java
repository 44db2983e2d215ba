package dev.tollgate.examples.hello;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** The one protected endpoint; {@link TokenSecurity} has already checked the token and its scope. */
@RestController
class HelloController {

    @GetMapping("/hello")
    Map<String, String> hello(@AuthenticationPrincipal Jwt token) {
        // client_id and customer_id are claims every Tollgate token carries (RFC 9068 §2.2, and the tenant).
        return Map.of(
                "message", "hello, " + token.getClaimAsString("client_id"),
                "tenant", token.getClaimAsString("customer_id"));
    }
}
