package dev.tollgate.server.api;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.server.Administration;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.BuiltinClient;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users API over real HTTP, with tokens from the real token endpoint: every status it answers
 * with, the RFC 6750 challenges, paging and filters, tenant isolation, and the reference
 * document's own requests.
 */
class UsersApiTest {

    private static final AtomicInteger TENANTS = new AtomicInteger(20000);

    private static TestServer server;
    private static ProvisionedTenant other;

    @BeforeAll
    static void start() {
        server = TestServer.embedded();
        other = newTenant();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- CRUD

    @Test
    void userWhenCreatedReadReplacedPatchedListedAndDeletedThenEachStepAnswers() throws Exception {
        String token = token(server.defaultClient(), null);

        HttpResponse<String> created = send("POST", users(), token,
                "{\"username\":\"crud.user\",\"email\":\"crud@example.com\",\"first_name\":\"Cee\",\"last_name\":\"Rud\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        Map<String, Object> user = json(created);
        String id = (String) user.get("id");
        assertThat(created.headers().firstValue("Location")).contains("/t/10001/api/v1/users/" + id);
        assertThat(user).containsEntry("username", "crud.user").containsEntry("email", "crud@example.com")
                .containsEntry("first_name", "Cee").containsEntry("last_name", "Rud")
                .containsKeys("created_at", "updated_at");

        HttpResponse<String> read = send("GET", users() + "/" + id, token, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(user);

        server.clock().advance(Duration.ofSeconds(5));
        HttpResponse<String> replaced = send("PUT", users() + "/" + id, token,
                "{\"username\":\"crud.user2\",\"email\":\"crud2@example.com\"}");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(json(replaced)).containsEntry("username", "crud.user2").containsEntry("first_name", null)
                .containsEntry("last_name", null).containsEntry("created_at", user.get("created_at"));
        assertThat(json(replaced).get("updated_at")).isNotEqualTo(user.get("updated_at"));

        HttpResponse<String> patched = send("PATCH", users() + "/" + id, token, "{\"last_name\":\"Patched\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(json(patched)).containsEntry("username", "crud.user2").containsEntry("last_name", "Patched");

        HttpResponse<String> listed = send("GET", users() + "?username=crud.user2", token, null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(usernames(listed)).containsExactly("crud.user2");

        HttpResponse<String> deleted = send("DELETE", users() + "/" + id, token, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(send("GET", users() + "/" + id, token, null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", users() + "/" + id, token, null).statusCode()).isEqualTo(404);
    }

    @Test
    void writesWhenMadeThroughTheApiThenAuditedWithTheTokensClientAsActor() throws Exception {
        String token = token(server.defaultClient(), null);
        String clientId = server.defaultClient().client().clientId().value();

        String id = (String) json(send("POST", users(), token,
                "{\"username\":\"audited.user\",\"email\":\"audited@example.com\"}")).get("id");
        assertThat(send("PATCH", users() + "/" + id, token, "{\"first_name\":\"Aud\"}").statusCode()).isEqualTo(200);
        assertThat(send("DELETE", users() + "/" + id, token, null).statusCode()).isEqualTo(204);
        // Refused writes change nothing and record nothing.
        assertThat(send("POST", users(), token, "{\"username\":\"\"}").statusCode()).isEqualTo(400);

        var events = server.app().store().audit().query(TestServer.TENANT,
                new AuditRepository.Filter(null, null, "user.", null, null), 0, 100).stream()
                .filter(e -> id.equals(e.target())).toList();
        assertThat(events).extracting(AuditEvent::action).containsExactly("user.delete", "user.update", "user.create");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.actorKind()).isEqualTo(Actor.Kind.CLIENT);
            assertThat(e.actorId()).isEqualTo(clientId);
            assertThat(e.address()).isEqualTo("127.0.0.1");
        });
        assertThat(events.get(1).after()).contains("\"first_name\":\"Aud\"");
    }

    @Test
    void createWhenEveryFieldIsBadThen400NamingEachField() throws Exception {
        HttpResponse<String> response = send("POST", users(), token(server.defaultClient(), null),
                "{\"username\":\"has space\",\"email\":\"nope\",\"first_name\":\"" + "x".repeat(101)
                        + "\",\"last_name\":42}");

        assertThat(response.statusCode()).isEqualTo(400);
        Map<String, Object> body = json(response);
        assertThat(body).containsEntry("error", "invalid_request");
        assertThat(fields(body)).containsOnlyKeys("username", "email", "first_name", "last_name");
    }

    @Test
    void createWhenRequiredFieldsAreMissingThen400NamingThem() throws Exception {
        HttpResponse<String> response = send("POST", users(), token(server.defaultClient(), null), "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(fields(json(response))).containsEntry("username", "required").containsEntry("email", "required");
    }

    @Test
    void createWhenServerOwnedFieldsAreSentThen400NamingThemAndNothingIsCreated() throws Exception {
        String token = token(server.defaultClient(), null);

        HttpResponse<String> response = send("POST", users(), token,
                "{\"username\":\"mass\",\"email\":\"m@example.com\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\","
                        + "\"tenant\":\"20002\",\"created_at\":\"2000-01-01T00:00:00Z\",\"is_admin\":true}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(fields(json(response))).containsOnlyKeys("id", "tenant", "created_at", "is_admin");
        assertThat(usernames(send("GET", users() + "?username=mass", token, null))).isEmpty();
    }

    @Test
    void patchWhenServerOwnedFieldIsSentThen400() throws Exception {
        String token = token(server.defaultClient(), null);
        String id = create(users(), token, "patch.owned");

        HttpResponse<String> response = send("PATCH", users() + "/" + id, token, "{\"created_at\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(fields(json(response))).containsOnlyKeys("created_at");
    }

    @Test
    void patchWhenUsernameSetToNullThen400Required() throws Exception {
        String token = token(server.defaultClient(), null);
        String id = create(users(), token, "patch.null");

        HttpResponse<String> response = send("PATCH", users() + "/" + id, token, "{\"username\":null}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(fields(json(response))).containsEntry("username", "required");
    }

    @Test
    void createWhenUsernameTakenThen409() throws Exception {
        String token = token(server.defaultClient(), null);
        create(users(), token, "taken");

        HttpResponse<String> response = send("POST", users(), token, "{\"username\":\"taken\",\"email\":\"t2@x.io\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(fields(json(response))).containsOnlyKeys("username");
    }

    @Test
    void replaceWhenUsernameIsAnotherUsersThen409() throws Exception {
        String token = token(server.defaultClient(), null);
        create(users(), token, "first.one");
        String second = create(users(), token, "second.one");

        HttpResponse<String> response = send("PUT", users() + "/" + second, token,
                "{\"username\":\"first.one\",\"email\":\"s@x.io\"}");

        assertThat(response.statusCode()).isEqualTo(409);
    }

    @Test
    void createWhenBodyIsNotJsonThen400AndWhenContentTypeIsNotJsonThen415() throws Exception {
        String token = token(server.defaultClient(), null);

        assertThat(send("POST", users(), token, "{not json").statusCode()).isEqualTo(400);
        HttpResponse<String> form = server.send(request("POST", users(), token, "username=x&email=y")
                .header("Content-Type", "application/x-www-form-urlencoded").build());
        assertThat(form.statusCode()).isEqualTo(415);
    }

    @Test
    void createWhenBodyIsLargerThan64KiBThen413() throws Exception {
        HttpResponse<String> response = send("POST", users(), token(server.defaultClient(), null),
                "{\"username\":\"big\",\"email\":\"b@x.io\",\"first_name\":\"" + "x".repeat(70_000) + "\"}");

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void getWhenIdIsUnknownOrMalformedThen404() throws Exception {
        String token = token(server.defaultClient(), null);

        assertThat(send("GET", users() + "/123e4567-e89b-12d3-a456-426614174000", token, null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", users() + "/not-an-id", token, null).statusCode()).isEqualTo(404);
    }

    @Test
    void requestWhenUnsupportedMethodThen405WithAllow() throws Exception {
        HttpResponse<String> response = send("DELETE", users(), token(server.defaultClient(), null), null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("GET, POST");
    }

    // ---------------------------------------------------------------- RFC 6750

    @Test
    void requestWhenNoTokenThen401WithBearerChallengeAndNoErrorCode() throws Exception {
        HttpResponse<String> response = send("GET", users(), null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"users-api\"");
    }

    @Test
    void requestWhenBasicCredentialsThen401WithBearerChallenge() throws Exception {
        HttpResponse<String> response = server.send(request("GET", users(), null, null)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("a:b".getBytes())).build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"users-api\"");
    }

    @Test
    void requestWhenGarbageTokenThen401InvalidToken() throws Exception {
        HttpResponse<String> response = send("GET", users(), "garbage", null);

        assertInvalidToken(response);
    }

    @Test
    void requestWhenTamperedTokenThen401InvalidToken() throws Exception {
        String token = token(server.defaultClient(), null);
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);

        assertInvalidToken(send("GET", users(), tampered, null));
    }

    @Test
    void requestWhenExpiredTokenThen401InvalidToken() throws Exception {
        String token = token(server.defaultClient(), null);
        assertThat(send("GET", users(), token, null).statusCode()).isEqualTo(200);

        // The default lifetime is 3600 s; the verifier allows 60 s of clock skew.
        server.clock().advance(Duration.ofSeconds(3600 + 61));

        HttpResponse<String> response = send("GET", users(), token, null);
        assertInvalidToken(response);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("expired");
    }

    @Test
    void requestWhenTokenForAnotherAudienceThen401InvalidToken() throws Exception {
        ClientWithSecret elsewhere = Administration.of(server.app()).clients.create(TestServer.TENANT, new ClientSpec("elsewhere",
                ScopeSet.of("users:read", "users:write"), null, List.of("https://other-api.example"), null, null));

        HttpResponse<String> response = send("GET", users(), token(elsewhere, null), null);

        assertInvalidToken(response);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("aud");
    }

    @Test
    void requestWhenTokenOfAnotherTenantInThePathThen401InvalidToken() throws Exception {
        HttpResponse<String> response = send("GET", users(other.tenant().id()), token(server.defaultClient(), null),
                null);

        assertInvalidToken(response);
    }

    @Test
    void requestWhenRevokedTokenThen401InvalidTokenEvenWithoutTheScope() throws Exception {
        ProvisionedTenant tenant = newTenant();
        String token = token(tenant, null);
        String readOnly = token(tenant, "users:read");
        assertThat(send("GET", users(tenant.tenant().id()), token, null).statusCode()).isEqualTo(200);
        for (String revoked : List.of(token, readOnly)) {
            JWTClaimsSet claims = SignedJWT.parse(revoked).getJWTClaimsSet();
            server.app().revocations().revokeToken(tenant.tenant().id(),
                    new ClientId(claims.getStringClaim("client_id")), claims.getJWTID(),
                    claims.getExpirationTime().toInstant());
        }

        HttpResponse<String> response = send("GET", users(tenant.tenant().id()), token, null);
        assertInvalidToken(response);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("revoked");
        // A revoked token lacking the scope is still a 401: asking for more scope would not help.
        assertInvalidToken(send("POST", users(tenant.tenant().id()), readOnly, "{\"username\":\"r\",\"email\":\"r@x.io\"}"));
        assertThat(send("GET", users(tenant.tenant().id()), token(tenant, null), null).statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenTheTokensClientIsDisabledThen401InvalidTokenAndAfterReEnablingOnlyNewTokensWork() throws Exception {
        ProvisionedTenant tenant = newTenant();
        TenantId id = tenant.tenant().id();
        String old = token(tenant, null);
        assertThat(send("GET", users(id), old, null).statusCode()).isEqualTo(200);
        ClientId client = new ClientId(SignedJWT.parse(old).getJWTClaimsSet().getStringClaim("client_id"));

        server.app().adminOperations().clients().update(Actor.cli(id), id, client,
                new ClientUpdate(null, null, null, null, null, null, false));

        assertInvalidToken(send("GET", users(id), old, null));
        assertInvalidToken(send("POST", users(id), old, "{\"username\":\"d\",\"email\":\"d@x.io\"}"));
        server.app().adminOperations().clients().update(Actor.cli(id), id, client,
                new ClientUpdate(null, null, null, null, null, null, true));
        // The cutoff is the next whole second: a token minted from then on is good.
        server.clock().advance(Duration.ofSeconds(1));
        assertInvalidToken(send("GET", users(id), old, null));
        assertThat(send("GET", users(id), token(tenant, null), null).statusCode()).isEqualTo(200);
    }

    @Test
    void writeWhenTheTokensClientIsDeletedThen401InvalidTokenAndNothingCreated() throws Exception {
        ProvisionedTenant tenant = newTenant();
        TenantId id = tenant.tenant().id();
        ClientWithSecret created = server.app().adminOperations().clients().create(Actor.cli(id), id,
                ClientSpec.named("Doomed", ScopeSet.of("users:read", "users:write")));
        String token = token(created, null);
        assertThat(send("GET", users(id), token, null).statusCode()).isEqualTo(200);

        server.app().adminOperations().clients().delete(Actor.cli(id), id, created.client().clientId());

        assertInvalidToken(send("POST", users(id), token, "{\"username\":\"ghost\",\"email\":\"g@x.io\"}"));
        assertThat(usernames(send("GET", users(id), token(tenant, null), null))).doesNotContain("ghost");
    }

    @Test
    void requestWhenTheTokensClientIsDisabledWithoutACutoffThen401InvalidToken() throws Exception {
        ProvisionedTenant tenant = newTenant();
        TenantId id = tenant.tenant().id();
        String token = token(tenant, null);
        ClientId client = new ClientId(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("client_id"));

        // The plain administration (no cutoff), as a change made by another process would look once seen.
        Administration.of(server.app()).clients.setEnabled(id, client, false);

        assertInvalidToken(send("GET", users(id), token, null));
    }

    @Test
    void writeWhenReadOnlyTokenThen403InsufficientScopeNamingTheScope() throws Exception {
        String readOnly = token(server.defaultClient(), "users:read");
        assertThat(send("GET", users(), readOnly, null).statusCode()).isEqualTo(200);

        HttpResponse<String> response = send("POST", users(), readOnly, "{\"username\":\"ro\",\"email\":\"ro@x.io\"}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"users-api\"")
                .contains("error=\"insufficient_scope\"")
                .contains("scope=\"users:write\"");
        assertThat(json(response)).containsEntry("error", "insufficient_scope");
    }

    @Test
    void readWhenWriteOnlyTokenThen403InsufficientScopeNamingTheScope() throws Exception {
        HttpResponse<String> response = send("GET", users(), token(server.defaultClient(), "users:write"), null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"users:read\"");
    }

    @Test
    void requestWhenAuthorizeHeaderThenAcceptedLikeAuthorization() throws Exception {
        HttpResponse<String> response = server.send(request("GET", users(), null, null)
                .header("Authorize", "Bearer " + token(server.defaultClient(), null)).build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void requestWhenAuthorizationAndAuthorizeWithDifferentTokensThen400InvalidRequest() throws Exception {
        String one = token(server.defaultClient(), null);
        String two = token(server.defaultClient(), "users:read");

        HttpResponse<String> response = server.send(request("GET", users(), one, null)
                .header("Authorize", "Bearer " + two).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_request\"");
    }

    @Test
    void requestWhenAuthorizationAndAuthorizeWithTheSameTokenThenServed() throws Exception {
        String token = token(server.defaultClient(), null);

        HttpResponse<String> response = server.send(request("GET", users(), token, null)
                .header("Authorize", "Bearer " + token).build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- paging and filters

    @Test
    void listWhenTwentyFiveUsersThenPagesThroughThem() throws Exception {
        ProvisionedTenant tenant = newTenant();
        String token = token(tenant, null);
        String base = users(tenant.tenant().id());
        for (int i = 0; i < 25; i++) {
            create(base, token, String.format("page%02d", i));
            // The list is in creation order; the test clock stands still unless moved.
            server.clock().advance(Duration.ofMillis(1));
        }

        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            HttpResponse<String> response = send("GET", base + "?page=" + page + "&size=10", token, null);
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Object> body = json(response);
            assertThat(((Number) body.get("total")).intValue()).isEqualTo(25);
            assertThat(((Number) body.get("page")).intValue()).isEqualTo(page);
            seen.addAll(usernames(response));
        }
        assertThat(seen).hasSize(25).doesNotHaveDuplicates().startsWith("page00").endsWith("page24");
        assertThat(usernames(send("GET", base + "?offset=20&limit=10", token, null)))
                .containsExactly("page20", "page21", "page22", "page23", "page24");
        assertThat(usernames(send("GET", base, token, null))).hasSize(20);
        assertThat(usernames(send("GET", base + "?page=4&size=10", token, null))).isEmpty();
    }

    @Test
    void listWhenPagingParametersAreBadThen400NamingThem() throws Exception {
        String token = token(server.defaultClient(), null);

        assertThat(fields(json(send("GET", users() + "?size=0", token, null)))).containsOnlyKeys("size");
        assertThat(fields(json(send("GET", users() + "?size=101", token, null)))).containsOnlyKeys("size");
        assertThat(fields(json(send("GET", users() + "?page=x", token, null)))).containsOnlyKeys("page");
        assertThat(fields(json(send("GET", users() + "?offset=-1", token, null)))).containsOnlyKeys("offset");
        assertThat(fields(json(send("GET", users() + "?page=1&offset=0", token, null)))).containsKey("page");
        assertThat(fields(json(send("GET", users() + "?sort=name", token, null)))).containsOnlyKeys("sort");
        assertThat(send("GET", users() + "?username=a&username=b", token, null).statusCode()).isEqualTo(400);
    }

    @Test
    void listWhenFilteredThenByUsernameAndByEmail() throws Exception {
        ProvisionedTenant tenant = newTenant();
        String token = token(tenant, null);
        String base = users(tenant.tenant().id());
        create(base, token, "alice", "shared@example.com");
        server.clock().advance(Duration.ofMillis(1));
        create(base, token, "alice2", "alice2@example.com");
        server.clock().advance(Duration.ofMillis(1));
        create(base, token, "bob", "shared@example.com");

        assertThat(usernames(send("GET", base + "?username=alice", token, null))).containsExactly("alice");
        assertThat(usernames(send("GET", base + "?email=shared%40example.com", token, null)))
                .containsExactly("alice", "bob");
        assertThat(usernames(send("GET", base + "?username=bob&email=shared@example.com", token, null)))
                .containsExactly("bob");
        assertThat(usernames(send("GET", base + "?username=nobody", token, null))).isEmpty();
    }

    // ---------------------------------------------------------------- tenants

    @Test
    void requestWhenTokenOfOneTenantThenNeverReadsOrWritesAnotherTenantsUsers() throws Exception {
        String tokenB = token(other, null);
        String idB = create(users(other.tenant().id()), tokenB, "b.only");
        String tokenA = token(server.defaultClient(), null);

        // Through A's own path: B's user does not exist there.
        assertThat(send("GET", users() + "/" + idB, tokenA, null).statusCode()).isEqualTo(404);
        assertThat(send("PUT", users() + "/" + idB, tokenA, "{\"username\":\"x\",\"email\":\"x@x.io\"}").statusCode())
                .isEqualTo(404);
        assertThat(send("PATCH", users() + "/" + idB, tokenA, "{\"username\":\"x\"}").statusCode()).isEqualTo(404);
        assertThat(send("DELETE", users() + "/" + idB, tokenA, null).statusCode()).isEqualTo(404);
        assertThat(usernames(send("GET", users() + "?username=b.only", tokenA, null))).isEmpty();
        // Through B's path: A's token is not B's.
        assertInvalidToken(send("GET", users(other.tenant().id()) + "/" + idB, tokenA, null));
        assertInvalidToken(send("DELETE", users(other.tenant().id()) + "/" + idB, tokenA, null));
        assertInvalidToken(send("POST", users(other.tenant().id()), tokenA, "{\"username\":\"y\",\"email\":\"y@x.io\"}"));

        HttpResponse<String> untouched = send("GET", users(other.tenant().id()) + "/" + idB, tokenB, null);
        assertThat(untouched.statusCode()).isEqualTo(200);
        assertThat(json(untouched)).containsEntry("username", "b.only");
    }

    @Test
    void createWhenTheSameUsernameInTwoTenantsThenBothExist() throws Exception {
        create(users(), token(server.defaultClient(), null), "in.both");

        assertThat(create(users(other.tenant().id()), token(other, null), "in.both")).isNotBlank();
    }

    // ---------------------------------------------------------------- the reference document

    @Test
    void pamPathWhenReferencePostAndGetWithAuthorizeHeaderThenServed() throws Exception {
        ProvisionedTenant tenant = newTenant();
        String token = token(tenant, null);

        HttpResponse<String> created = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/pam/apps/users/user/"))
                .header("Authorize", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"newuser\",\"email\":\"user@example.com\",\"first_name\":\"John\",\"last_name\":\"Doe\"}"))
                .build());

        assertThat(created.statusCode()).isEqualTo(201);
        Map<String, Object> user = json(created);
        assertThat(user).containsEntry("username", "newuser").containsEntry("email", "user@example.com")
                .containsEntry("first_name", "John").containsEntry("last_name", "Doe")
                .containsKeys("id", "created_at", "updated_at");
        assertThat(created.headers().firstValue("Location"))
                .contains("/t/" + tenant.tenant().id().value() + "/api/v1/users/" + user.get("id"));

        HttpResponse<String> listed = server.send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/pam/apps/users/user/"))
                .header("Authorize", "Bearer " + token)
                .GET().build());

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(usernames(listed)).containsExactly("newuser");
        // The tenant came from the token: the user is in that tenant, and only there.
        assertThat(send("GET", users(tenant.tenant().id()) + "/" + user.get("id"), token, null).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", users() + "/" + user.get("id"), token(server.defaultClient(), null), null).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", server.baseUrl() + "/pam/apps/users/user", token, null).statusCode()).isEqualTo(200);
    }

    @Test
    void pamPathWhenNoTokenThen401AndWhenGarbageThen401InvalidToken() throws Exception {
        String pam = server.baseUrl() + "/pam/apps/users/user/";

        HttpResponse<String> none = send("GET", pam, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"users-api\"");
        assertInvalidToken(send("GET", pam, "garbage", null));
    }

    @Test
    void pamPathWhenReadOnlyTokenThen403ForPost() throws Exception {
        HttpResponse<String> response = send("POST", server.baseUrl() + "/pam/apps/users/user/",
                token(server.defaultClient(), "users:read"), "{\"username\":\"p\",\"email\":\"p@x.io\"}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"users:write\"");
    }

    // ---------------------------------------------------------------- helpers

    private static ProvisionedTenant newTenant() {
        TenantId id = TenantId.of(String.valueOf(TENANTS.incrementAndGet()));
        return Administration.of(server.app()).tenants.create(id, "Tenant " + id.value(), TenantSettings.DEFAULTS);
    }

    private static String users() {
        return users(TestServer.TENANT);
    }

    private static String users(TenantId tenant) {
        return server.baseUrl() + "/t/" + tenant.value() + "/api/v1/users";
    }

    private static String token(ProvisionedTenant tenant, String scope) throws Exception {
        ClientWithSecret client = tenant.clients().stream()
                .filter(c -> c.client().builtin() == BuiltinClient.DEFAULT).findFirst().orElseThrow();
        return token(client, scope);
    }

    /** A token from the real token endpoint of the client's tenant. */
    private static String token(ClientWithSecret client, String scope) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client.client().clientId().value() + ":"
                + client.secret().reveal()).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + scope.replace(" ", "+"));
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/"
                        + client.client().tenantId().value() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return (String) json(response).get("access_token");
    }

    private static String create(String base, String token, String username) throws Exception {
        return create(base, token, username, username + "@example.com");
    }

    private static String create(String base, String token, String username, String email) throws Exception {
        HttpResponse<String> response = send("POST", base, token,
                "{\"username\":\"" + username + "\",\"email\":\"" + email + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return (String) json(response).get("id");
    }

    private static HttpRequest.Builder request(String method, String uri, String token, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static HttpResponse<String> send(String method, String uri, String token, String body) {
        HttpRequest.Builder builder = request(method, uri, token, body);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return server.send(builder.build());
    }

    private static void assertInvalidToken(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"users-api\"")
                .contains("error=\"invalid_token\"");
        assertThat(json(response)).containsEntry("error", "invalid_token");
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSONObjectUtils.parse(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(Map<String, Object> body) {
        return (Map<String, Object>) body.get("fields");
    }

    @SuppressWarnings("unchecked")
    private static List<String> usernames(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ((List<Map<String, Object>>) json(response).get("users")).stream()
                .map(u -> (String) u.get("username")).toList();
    }
}
