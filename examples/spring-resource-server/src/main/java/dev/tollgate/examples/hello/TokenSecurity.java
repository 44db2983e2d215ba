package dev.tollgate.examples.hello;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * How this API checks Tollgate tokens (docs/USING-TOKENS.md, "Spring Boot").
 *
 * <p>Spring Boot would build a decoder from the same two properties on its own, but with Spring
 * Security's default validators, which require {@code typ} to be {@code JWT} or absent and so
 * refuse every Tollgate token ({@code typ: at+jwt}, RFC 9068 §2.1). This decoder uses the RFC 9068
 * validator instead: {@code typ} {@code at+jwt}, {@code iss}, {@code aud}, {@code exp}, and the
 * required {@code sub}, {@code iat}, {@code jti} and {@code client_id}.
 */
@Configuration
class TokenSecurity {

    /**
     * @param issuer   the tenant's issuer, {@code <public-url>/t/<tenant>}: its metadata gives the
     *                 JWKS, and {@code iss} must equal it exactly
     * @param audience this API's audience: {@code aud} must contain it
     */
    @Bean
    JwtDecoder jwtDecoder(@Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer,
                          @Value("${spring.security.oauth2.resourceserver.jwt.audiences}") String audience) {
        // Discovery happens on the first token rather than at start (as Spring Boot's own decoder
        // does), so the API starts even while Tollgate is down. withIssuerLocation reads the
        // metadata at <issuer>/.well-known/openid-configuration and takes the algorithms from the
        // keys in the JWKS (ES256 by default for Tollgate), so nothing pins RS256.
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
            decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
                    .issuer(issuer)
                    .audience(audience)
                    .build());
            return decoder;
        });
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        // Spring maps each scope in the token's "scope" claim to a SCOPE_<scope> authority.
                        .requestMatchers("/hello").hasAuthority("SCOPE_users:read")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }
}
