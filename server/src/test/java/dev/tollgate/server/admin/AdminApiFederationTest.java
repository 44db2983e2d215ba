package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workload identity federation through the admin API: trusted issuers ({@code federation/issuers})
 * and a federated_jwt client's binding ({@code clients/{id}/federation}), with the registrations
 * that must be refused with a clear 400 or 409: HMAC, plain http and loopback JWKS URIs (default
 * settings), an untrusted issuer, a secret client, an issuer still in use.
 */
class AdminApiFederationTest {

    private static AdminApiFixture f;
    private static Session admin;

    @BeforeAll
    static void start() {
        f = new AdminApiFixture(TestServer.embedded());
        admin = f.seedAndLogin(TENANT, "federation.admin", AdminRole.ADMIN, Set.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static String issuerUrl() {
        return "https://issuer-" + UUID.randomUUID() + ".example.com";
    }

    private static Response addIssuer(String body) {
        return f.call("POST", f.api(TENANT) + "/federation/issuers", admin, body);
    }

    @Test
    void issuersWhenAddedWithDiscoveryThenListedWithDefaults() {
        String issuer = issuerUrl();

        Response added = addIssuer("{\"issuer\":\"" + issuer + "\"}");

        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json()).containsEntry("discovery", true).containsEntry("max_lifetime_seconds", 3600L)
                .containsEntry("algorithms", List.of("ES256", "RS256"));
        Response listed = f.call("GET", f.api(TENANT) + "/federation/issuers", admin, null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> issuers = (List<Map<String, Object>>) listed.json().get("issuers");
        assertThat(issuers).extracting(i -> i.get("issuer")).contains(issuer);
    }

    @Test
    void issuersWhenHmacOrNoneAllowedThenBadRequest() {
        Response hmac = addIssuer("{\"issuer\":\"" + issuerUrl() + "\",\"algorithms\":[\"HS256\"]}");
        Response none = addIssuer("{\"issuer\":\"" + issuerUrl() + "\",\"algorithms\":[\"none\"]}");

        assertThat(hmac.status()).as(hmac.body()).isEqualTo(400);
        assertThat(hmac.body()).contains("algorithms");
        assertThat(none.status()).as(none.body()).isEqualTo(400);
    }

    @Test
    void issuersWhenTheJwksUriIsLoopbackOrPlainHttpThenBadRequest() {
        Response loopback = addIssuer("{\"issuer\":\"" + issuerUrl() + "\",\"jwks_uri\":\"https://127.0.0.1/jwks\"}");
        Response http = addIssuer("{\"issuer\":\"" + issuerUrl() + "\",\"jwks_uri\":\"http://example.com/jwks\"}");

        assertThat(loopback.status()).as(loopback.body()).isEqualTo(400);
        assertThat(http.status()).as(http.body()).isEqualTo(400);
    }

    @Test
    void issuersWhenAddedTwiceThenConflict() {
        String issuer = issuerUrl();
        addIssuer("{\"issuer\":\"" + issuer + "\"}");

        assertThat(addIssuer("{\"issuer\":\"" + issuer + "\"}").status()).isEqualTo(409);
    }

    @Test
    void federationWhenAFederatedClientIsBoundThenShownAndItsIssuerCannotBeRemoved() {
        String issuer = issuerUrl();
        addIssuer("{\"issuer\":\"" + issuer + "\"}");
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"workload\","
                + "\"allowed_scopes\":[\"users:read\"],\"token_endpoint_auth_method\":\"federated_jwt\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).doesNotContainKey("client_secret")
                .containsEntry("token_endpoint_auth_method", "federated_jwt");
        String id = (String) created.json().get("client_id");

        Response bound = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/federation", admin, "{\"issuer\":\""
                + issuer + "\",\"subject\":\"spiffe://example.org/ns/prod/sa/billing\","
                + "\"claims\":{\"kubernetes.io/namespace\":\"prod\"}}");

        assertThat(bound.status()).as(bound.body()).isEqualTo(200);
        Response shown = f.call("GET", f.api(TENANT) + "/clients/" + id + "/federation", admin, null);
        assertThat(shown.json()).containsEntry("subject", "spiffe://example.org/ns/prod/sa/billing")
                .containsEntry("claims", Map.of("kubernetes.io/namespace", "prod"));
        Response removal = f.call("DELETE", f.api(TENANT) + "/federation/issuers?issuer="
                + URLEncoder.encode(issuer, StandardCharsets.UTF_8), admin, null);
        assertThat(removal.status()).as(removal.body()).isEqualTo(409);
    }

    @Test
    void federationWhenTheIssuerIsNotTrustedThenBadRequest() {
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"stray\","
                + "\"token_endpoint_auth_method\":\"federated_jwt\"}");
        String id = (String) created.json().get("client_id");

        Response bound = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/federation", admin,
                "{\"issuer\":\"" + issuerUrl() + "\",\"subject\":\"system:serviceaccount:a:b\"}");

        assertThat(bound.status()).as(bound.body()).isEqualTo(400);
        assertThat(bound.body()).contains("issuer");
    }

    @Test
    void federationWhenTheClientUsesASecretThenConflict() {
        String issuer = issuerUrl();
        addIssuer("{\"issuer\":\"" + issuer + "\"}");
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"secretive\"}");
        String id = (String) created.json().get("client_id");

        Response bound = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/federation", admin,
                "{\"issuer\":\"" + issuer + "\",\"subject\":\"system:serviceaccount:a:b\"}");

        assertThat(bound.status()).as(bound.body()).isEqualTo(409);
    }

    @Test
    void federationWhenClaimsAreNotStringsThenBadRequest() {
        Response created = f.call("POST", f.api(TENANT) + "/clients", admin, "{\"name\":\"odd\","
                + "\"token_endpoint_auth_method\":\"federated_jwt\"}");
        String id = (String) created.json().get("client_id");

        Response bound = f.call("PUT", f.api(TENANT) + "/clients/" + id + "/federation", admin,
                "{\"issuer\":\"" + issuerUrl() + "\",\"subject\":\"s\",\"claims\":{\"a\":1}}");

        assertThat(bound.status()).as(bound.body()).isEqualTo(400);
        assertThat(bound.body()).contains("claims");
    }
}
