package dev.tollgate.server.admin;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API with a client that is not ours: {@code curl} logs in with a cookie jar, replaces
 * the generated password, defines two scopes, creates a client credential holding them and gets
 * a token with it. And the OpenAPI document the server serves agrees with the routes the server
 * registers: the same paths, the same methods, the same request fields and query parameters.
 */
class AdminApiInteropTest {

    private static final String BASE = "/t/{tenant}/admin/api/v1";
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "DELETE", "PUT");

    private static AdminApiFixture f;

    @BeforeAll
    static void start() {
        f = new AdminApiFixture(TestServer.embedded());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    // ---------------------------------------------------------------- curl

    @Test
    void curlWhenUsingACookieJarThenLogsInCreatesClientWithTwoScopesAndGetsATokenWithIt(@TempDir Path dir) throws Exception {
        String password = f.server.app().adminAccounts().bootstrap(TENANT).orElseThrow().password();
        Path jar = dir.resolve("cookies.txt");
        String api = f.api(TENANT);

        Curl login = curl(dir, List.of("-c", jar.toString(), "-H", "Content-Type: application/json", "-X", "POST",
                api + "/login"), "{\"username\":\"" + AdminAccounts.BOOTSTRAP_USERNAME + "\",\"password\":\"" + password + "\"}");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.json()).containsEntry("must_change_password", true);
        assertThat(Files.readString(jar)).contains(SessionCookie.NAME).contains("#HttpOnly_");

        Curl changed = curl(dir, List.of("-b", jar.toString(), "-c", jar.toString(), "-H", "Content-Type: application/json",
                "-H", AdminApiEndpoint.CSRF_HEADER + ": " + login.json().get("csrf_token"), "-X", "POST",
                api + "/password"), "{\"current_password\":\"" + password + "\",\"new_password\":\"curl-chosen-password-1\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        String csrf = (String) changed.json().get("csrf_token");
        List<String> session = List.of("-b", jar.toString(), "-c", jar.toString(), "-H", "Content-Type: application/json",
                "-H", AdminApiEndpoint.CSRF_HEADER + ": " + csrf);

        for (String scope : List.of("reports:read", "reports:write")) {
            Curl created = curl(dir, concat(session, "-X", "POST", api + "/scopes"),
                    "{\"name\":\"" + scope + "\",\"description\":\"Reports\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        Curl client = curl(dir, concat(session, "-X", "POST", api + "/clients"),
                "{\"name\":\"made with curl\",\"allowed_scopes\":[\"reports:read\",\"reports:write\"]}");
        assertThat(client.status()).as(client.body()).isEqualTo(201);
        String clientId = (String) client.json().get("client_id");
        String secret = (String) client.json().get("client_secret");

        Curl token = curl(dir, List.of("-u", clientId + ":" + secret, "--data-urlencode", "grant_type=client_credentials",
                f.server.tokenEndpoint().toString()), null);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        assertThat(token.json()).containsEntry("token_type", "Bearer").containsKey("access_token");
        assertThat(Set.of(((String) token.json().get("scope")).split(" "))).containsExactlyInAnyOrder("reports:read",
                "reports:write");

        // Reading needs the cookie only; the new client shows its settings and never its secret.
        Curl read = curl(dir, List.of("-b", jar.toString(), api + "/clients/" + clientId), null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json()).containsEntry("name", "made with curl").doesNotContainKey("client_secret");
        assertThat(read.body()).doesNotContain(secret);

        Curl logout = curl(dir, concat(session, "-X", "POST", api + "/logout"), null);
        assertThat(logout.status()).isEqualTo(204);
        assertThat(curl(dir, List.of("-b", jar.toString(), api + "/clients"), null).status()).isEqualTo(401);
    }

    // ---------------------------------------------------------------- the OpenAPI document

    @Test
    void openApiDocumentWhenFetchedThenOpenApi31AndServedAtBothAddresses(@TempDir Path dir) throws Exception {
        Curl document = curl(dir, List.of(f.server.baseUrl() + "/admin/api/openapi.json"), null);
        Curl perTenant = curl(dir, List.of(f.server.baseUrl() + "/t/" + TENANT.value() + "/admin/api/openapi.json"), null);

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.contentType()).startsWith("application/json");
        Map<String, Object> json = document.json();
        assertThat((String) json.get("openapi")).matches("3\\.1\\.\\d+");
        assertThat(json).containsKeys("info", "paths", "components");
        assertThat(servers(json)).containsExactly(BASE);
        assertThat(perTenant.status()).isEqualTo(200);
        assertThat(perTenant.body()).isEqualTo(document.body());
    }

    @Test
    void openApiDocumentWhenComparedWithTheRoutesThenEveryRouteDocumentedAndEveryDocumentedPathAnswersWithoutCredentials() throws Exception {
        Map<String, Object> document = document();
        Map<String, Object> paths = map(document.get("paths"));

        assertThat(new TreeSet<>(paths.keySet())).isEqualTo(registeredRoutes());
        for (String path : paths.keySet()) {
            Set<String> documented = methods(map(paths.get(path)));
            String url = f.server.baseUrl() + (BASE + path).replace("{tenant}", TENANT.value())
                    .replace("{id}", "00000000-0000-4000-8000-000000000000").replace("{name}", "no.such.scope")
                    .replace("{kid}", "no-such-kid");
            for (String method : METHODS) {
                Response response = f.call(method, url, AdminApiFixture.NOBODY, method.equals("GET")
                        || method.equals("DELETE") ? null : "{}");
                String what = method + " " + path + ": " + response.body();
                assertThat(response.status()).as(what).isNotEqualTo(404).isLessThan(500);
                if (!documented.contains(method)) {
                    response.assertError(405, "invalid_request");
                    assertThat(Set.of(response.headers().firstValue("Allow").orElseThrow().split(", ")))
                            .as(what).isEqualTo(documented);
                } else if (path.equals("/login")) {
                    // The one operation without credentials: an empty login names the missing fields.
                    response.assertError(400, "invalid_request");
                    assertThat(response.fields()).containsOnlyKeys("username", "password");
                } else {
                    response.assertError(401, null);
                    assertThat(responses(paths, path, method)).as(what).contains("401", "500", "503");
                }
            }
        }
    }

    @Test
    void openApiDocumentWhenComparedWithTheServerThenEveryRequestBodyAndQueryListsExactlyWhatItAccepts() throws Exception {
        Session admin = f.seedAndLogin(TENANT, "openapi.admin", AdminRole.ADMIN, Set.of());
        Map<String, Object> document = document();
        Map<String, Object> paths = map(document.get("paths"));
        int bodies = 0;
        int queries = 0;

        for (String path : paths.keySet()) {
            String url = f.server.baseUrl() + (BASE + path).replace("{tenant}", TENANT.value())
                    .replace("{id}", "00000000-0000-4000-8000-000000000000").replace("{name}", "no.such.scope")
                    .replace("{kid}", "no-such-kid");
            for (String method : methods(map(paths.get(path)))) {
                Map<String, Object> operation = map(map(paths.get(path)).get(method.toLowerCase(Locale.ROOT)));
                if (operation.get("requestBody") != null) {
                    Map<String, Object> schema = resolve(document, map(map(map(map(operation.get("requestBody"))
                            .get("content")).get("application/json")).get("schema")));
                    assertThat(schema).as(method + " " + path).containsEntry("additionalProperties", false);
                    Response response = f.call(method, url, path.equals("/login") ? AdminApiFixture.NOBODY : admin,
                            "{\"zz_not_a_field\":1}");
                    response.assertError(400, "invalid_request");
                    assertThat(writable((String) response.fields().get("zz_not_a_field"), "the writable ones are "))
                            .as(method + " " + path).isEqualTo(new TreeSet<>(map(schema.get("properties")).keySet()));
                    bodies++;
                }
                Set<String> query = new TreeSet<>();
                for (Object p : list(operation.get("parameters"))) {
                    Map<String, Object> parameter = resolve(document, map(p));
                    if ("query".equals(parameter.get("in"))) {
                        query.add((String) parameter.get("name"));
                    }
                }
                if (!query.isEmpty()) {
                    Response response = f.call(method, url + "?zz_not_a_parameter=1", admin, null);
                    response.assertError(400, "invalid_request");
                    assertThat(writable((String) response.fields().get("zz_not_a_parameter"), "one of "))
                            .as(method + " " + path).isEqualTo(query);
                    queries++;
                }
            }
        }
        assertThat(bodies).isEqualTo(15); // 12, PUT clients/{id}/tls (RFC 8705), and federation's two
        assertThat(queries).isEqualTo(4);
    }

    // ---------------------------------------------------------------- helpers

    /** The route templates {@link AdminApiEndpoint#register} registers below {@code /t/{tenant}/admin/api/v1}. */
    private static Set<String> registeredRoutes() {
        // The endpoint's own table: the routes it registers, without starting anything.
        Set<String> routes = new TreeSet<>(new AdminApiEndpoint(null, null, null, null, false, 0).routeTemplates());
        assertThat(routes).hasSizeGreaterThanOrEqualTo(13);
        return routes;
    }

    private static Map<String, Object> document() throws Exception {
        Response response = f.call("GET", f.server.baseUrl() + "/admin/api/openapi.json", AdminApiFixture.NOBODY, null);
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    private static Set<String> methods(Map<String, Object> pathItem) {
        return pathItem.keySet().stream().map(k -> k.toUpperCase(Locale.ROOT)).filter(METHODS::contains)
                .collect(Collectors.toSet());
    }

    private static Set<String> responses(Map<String, Object> paths, String path, String method) {
        return map(map(map(paths.get(path)).get(method.toLowerCase(Locale.ROOT))).get("responses")).keySet();
    }

    private static List<String> servers(Map<String, Object> document) {
        return list(document.get("servers")).stream().map(s -> (String) map(s).get("url")).toList();
    }

    /** Follows local {@code $ref}s such as {@code #/components/schemas/ClientCreate}. */
    private static Map<String, Object> resolve(Map<String, Object> document, Map<String, Object> node) {
        Object ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        Map<String, Object> target = document;
        for (String part : ((String) ref).substring(2).split("/")) {
            target = map(target.get(part));
        }
        return resolve(document, target);
    }

    /** The names after {@code marker} in a server message such as "…; the writable ones are a, b, c". */
    private static Set<String> writable(String message, String marker) {
        assertThat(message).contains(marker);
        return new TreeSet<>(Arrays.asList(message.substring(message.indexOf(marker) + marker.length()).split(", ")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    record Curl(int status, String contentType, String body) {
        Map<String, Object> json() throws Exception {
            return JSONObjectUtils.parse(body);
        }
    }

    /** Runs curl against 127.0.0.1 only; a body goes through a file, so no shell quoting is involved. */
    private static Curl curl(Path dir, List<String> args, String body) throws Exception {
        Path out = Files.createTempFile(dir, "body", ".out");
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--noproxy", "*",
                "--max-time", "20", "--output", out.toString(), "--write-out", "%{http_code} %{content_type}"));
        if (body != null) {
            Path in = Files.createTempFile(dir, "body", ".in");
            Files.writeString(in, body);
            command.addAll(List.of("--data-binary", "@" + in));
        }
        command.addAll(args);
        assertThat(command.get(command.size() - 1)).startsWith("http://127.0.0.1:");
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        String written = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(errors).isZero();
        String[] parts = written.split(" ", 2);
        return new Curl(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "",
                Files.readString(out, StandardCharsets.UTF_8));
    }
}
