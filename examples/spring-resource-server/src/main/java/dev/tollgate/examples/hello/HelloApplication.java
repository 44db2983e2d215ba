package dev.tollgate.examples.hello;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal API behind Tollgate access tokens: {@code GET /hello} needs a token of the configured
 * tenant, issued for this API's audience, with the {@code users:read} scope.
 *
 * <pre>{@code
 * java -jar target/tollgate-example-spring-resource-server-0.1.0-SNAPSHOT.jar \
 *     --spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:8080/t/10001 \
 *     --spring.security.oauth2.resourceserver.jwt.audiences=https://hello.example.com
 * curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8081/hello
 * }</pre>
 *
 * See {@link TokenSecurity} for how tokens are checked and docs/USING-TOKENS.md for why.
 */
@SpringBootApplication
public class HelloApplication {

    public static void main(String[] args) {
        SpringApplication.run(HelloApplication.class, args);
    }
}
