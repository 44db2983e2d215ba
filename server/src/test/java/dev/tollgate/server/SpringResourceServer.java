package dev.tollgate.server;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.time.Clock;
import java.util.Objects;

/**
 * Spring Security's resource-server decoder, configured the way an RFC 9068 resource server
 * configures it.
 *
 * <p>What Spring Security 7.1 needs for {@code typ: at+jwt}: its JWK-set decoder no longer checks
 * {@code typ} inside Nimbus (the builder's {@code validateType} is off by default) but leaves it to
 * the validators, and its default validators ({@link JwtValidators#createDefault()},
 * {@link JwtValidators#createDefaultWithIssuer(String)}) include {@code JwtTypeValidator.jwt()},
 * which accepts only {@code JWT} or no {@code typ} and so rejects our tokens. An RFC 9068 resource
 * server uses {@link JwtValidators#createAtJwtValidator()} instead: it requires {@code typ} to be
 * {@code at+jwt} (or {@code application/at+jwt}), requires {@code exp}, {@code sub}, {@code iat},
 * {@code jti} and {@code client_id}, and checks {@code iss} and {@code aud}. Its expiry check
 * is replaced here by one on the given clock, so tests judge expiry in the server's time.
 */
final class SpringResourceServer {

    private SpringResourceServer() {
    }

    /** A decoder that fetches keys from {@code jwksUri} and judges expiry by {@code clock}. */
    static JwtDecoder decoder(String jwksUri, SignatureAlgorithm algorithm, String issuer, String audience,
                              Clock clock) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri).jwsAlgorithm(algorithm).build();
        decoder.setJwtValidator(atJwtValidator(issuer, audience, clock));
        return decoder;
    }

    static JwtDecoder decoder(String jwksUri, String issuer, String audience, Clock clock) {
        return decoder(jwksUri, SignatureAlgorithm.ES256, issuer, audience, clock);
    }

    /** RFC 9068 §4 validation: typ at+jwt, iss, aud, exp (judged by {@code clock}), and the required claims. */
    static OAuth2TokenValidator<Jwt> atJwtValidator(String issuer, String audience, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        return JwtValidators.createAtJwtValidator()
                .issuer(issuer)
                .audience(audience)
                // The builder's own JwtTimestampValidator (under "exp" and "iat") reads the system clock.
                .validators(all -> {
                    all.put(JwtClaimNames.EXP, new DelegatingOAuth2TokenValidator<>(
                            new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull), timestamps));
                    all.put(JwtClaimNames.IAT, new JwtClaimValidator<Object>(JwtClaimNames.IAT, Objects::nonNull));
                })
                .build();
    }
}
