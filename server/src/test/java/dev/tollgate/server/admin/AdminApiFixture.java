package dev.tollgate.server.admin;

import dev.tollgate.server.Administration;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.PasswordHasher;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.TestServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the admin API tests share: a real server, a way in as each kind of caller (a console
 * session with its CSRF token, a client-credentials token from the real token endpoint, nobody),
 * plain HTTP calls, and a snapshot of everything a tenant's admin API can change, so a refused
 * call can be shown to have changed nothing.
 *
 * <p>Logins are real ({@code POST login}), but the principals a test only needs as callers are
 * stored with a cheap password hash: the login path is the same, it just doesn't spend 600,000
 * PBKDF2 iterations per principal. Accounts whose passwords are themselves under test (bootstrap,
 * admins created through the API) keep the real cost.
 */
final class AdminApiFixture implements AutoCloseable {

    /** The password of every admin {@link #seedAdmin} stores. */
    static final String SEEDED_PASSWORD = "seeded-admin-password-4f1c";

    final TestServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String cheapHash = new PasswordHasher(1_000).hash(SEEDED_PASSWORD.toCharArray());

    AdminApiFixture(TestServer server) {
        this.server = server;
    }

    Store store() {
        return server.app().store();
    }

    /** {@code http://127.0.0.1:port/t/{tenant}/admin/api/v1} */
    String api(TenantId tenant) {
        return server.baseUrl() + "/t/" + tenant.value() + "/admin/api/v1";
    }

    // ---------------------------------------------------------------- callers

    /** How a request says who sends it. */
    sealed interface Caller permits Session, Bearer, Nobody {
        /** @param changes the request changes something, so a session adds its CSRF token */
        void apply(HttpRequest.Builder request, boolean changes);

        /** The audit log's actor id for this caller. */
        String actorId();
    }

    /** A console session: the cookie, its CSRF token (null sends none) and the admin's id. */
    record Session(String cookie, String csrf, String adminId) implements Caller {
        @Override
        public void apply(HttpRequest.Builder request, boolean changes) {
            request.header("Cookie", SessionCookie.NAME + "=" + cookie);
            if (changes && csrf != null) {
                request.header(AdminApiEndpoint.CSRF_HEADER, csrf);
            }
        }

        @Override
        public String actorId() {
            return adminId;
        }

        Session withCsrf(String other) {
            return new Session(cookie, other, adminId);
        }
    }

    record Bearer(String token, String clientId) implements Caller {
        @Override
        public void apply(HttpRequest.Builder request, boolean changes) {
            request.header("Authorization", "Bearer " + token);
        }

        @Override
        public String actorId() {
            return clientId;
        }
    }

    record Nobody() implements Caller {
        @Override
        public void apply(HttpRequest.Builder request, boolean changes) {
        }

        @Override
        public String actorId() {
            return null;
        }
    }

    static final Caller NOBODY = new Nobody();

    /** An admin stored directly, password {@link #SEEDED_PASSWORD}, no change pending. */
    Admin seedAdmin(TenantId tenant, String username, AdminRole role, Set<Capability> capabilities) {
        var now = server.app().clock().instant();
        Admin admin = new Admin(UUID.randomUUID().toString(), tenant, username, role,
                role == AdminRole.ADMIN ? Set.of() : capabilities, cheapHash, false, null, now, now);
        store().admins().insert(admin);
        return admin;
    }

    /** A seeded admin, logged in. */
    Session seedAndLogin(TenantId tenant, String username, AdminRole role, Set<Capability> capabilities) {
        seedAdmin(tenant, username, role, capabilities);
        return login(tenant, username, SEEDED_PASSWORD);
    }

    Response loginResponse(TenantId tenant, String username, String password, String... headers) {
        return call("POST", api(tenant) + "/login", NOBODY,
                "{\"username\":" + quote(username) + ",\"password\":" + quote(password) + "}", headers);
    }

    Session login(TenantId tenant, String username, String password) {
        Response response = loginResponse(tenant, username, password);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return session(response);
    }

    /** The session a login or password change answered with. */
    static Session session(Response response) {
        Map<String, Object> json = response.json();
        @SuppressWarnings("unchecked")
        Map<String, Object> admin = (Map<String, Object>) json.get("admin");
        return new Session(response.sessionCookie(), (String) json.get("csrf_token"), (String) admin.get("id"));
    }

    /** {@code POST password}: the generated password replaced; the new session comes back. */
    Session changePassword(TenantId tenant, Session session, String current, String next) {
        Response response = call("POST", api(tenant) + "/password", session,
                "{\"current_password\":" + quote(current) + ",\"new_password\":" + quote(next) + "}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return session(response);
    }

    ClientWithSecret createClient(TenantId tenant, String name, String... scopes) {
        return Administration.of(server.app()).clients.create(tenant, ClientSpec.named(name, ScopeSet.of(scopes)));
    }

    void createScope(TenantId tenant, String name, String description) {
        Administration.of(server.app()).scopes.create(tenant, new ScopeDefinition(new dev.tollgate.core.scope.ScopeName(name),
                description));
    }

    /** A client-credentials token from the real token endpoint, with the client's default scopes. */
    String token(TenantId tenant, String clientId, String secret) {
        Response response = tokenResponse(tenant, clientId, secret);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return (String) response.json().get("access_token");
    }

    Response tokenResponse(TenantId tenant, String clientId, String secret) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/t/" + tenant.value() + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
    }

    /** A new client holding {@code scopes}, and a token of it. */
    Bearer bearer(TenantId tenant, String name, String... scopes) {
        ClientWithSecret client = createClient(tenant, name, scopes);
        String id = client.client().clientId().value();
        return new Bearer(token(tenant, id, client.secret().reveal()), id);
    }

    // ---------------------------------------------------------------- requests

    /**
     * Sends {@code method url} as {@code caller}, with a JSON body unless {@code headers} set
     * another Content-Type; {@code headers} are name, value pairs.
     */
    Response call(String method, String url, Caller caller, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        caller.apply(request, !method.equals("GET"));
        boolean contentType = false;
        for (int i = 0; i < headers.length; i += 2) {
            contentType |= headers[i].equalsIgnoreCase("Content-Type");
            if (headers[i + 1] != null) {
                request.header(headers[i], headers[i + 1]);
            }
        }
        if (body != null && !contentType) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    Response send(HttpRequest.Builder request) {
        try {
            return new Response(http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(HttpResponse<String> raw) {
        int status() {
            return raw.statusCode();
        }

        String body() {
            return raw.body();
        }

        HttpHeaders headers() {
            return raw.headers();
        }

        Map<String, Object> json() {
            try {
                return JSONObjectUtils.parse(raw.body());
            } catch (ParseException e) {
                throw new AssertionError("not a JSON object (" + raw.statusCode() + "): " + raw.body(), e);
            }
        }

        String error() {
            return (String) json().get("error");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> fields() {
            Object fields = json().get("fields");
            return fields == null ? Map.of() : (Map<String, Object>) fields;
        }

        /** The {@code tollgate_session} value the response set, or null. */
        String sessionCookie() {
            for (String header : raw.headers().allValues("Set-Cookie")) {
                if (header.startsWith(SessionCookie.NAME + "=")) {
                    String value = header.substring(SessionCookie.NAME.length() + 1);
                    int end = value.indexOf(';');
                    return end < 0 ? value : value.substring(0, end);
                }
            }
            return null;
        }

        /** An error as the admin API answers it: JSON, never cached, the given status and code. */
        Response assertError(int status, String error) {
            assertThat(status()).as(body()).isEqualTo(status);
            assertThat(headers().firstValue("Content-Type")).as(body())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            Map<String, Object> json = json();
            assertThat(json).as(body()).containsKey("error_description");
            if (error != null) {
                assertThat(json).as(body()).containsEntry("error", error);
            }
            return this;
        }
    }

    static String quote(String value) {
        return net.minidev.json.JSONValue.toJSONString(value);
    }

    // ---------------------------------------------------------------- state

    /** Everything the admin API can change in a tenant, as the store has it now. */
    record Snapshot(List<ClientCredential> clients, List<ScopeDefinition> scopes, List<Admin> admins,
                    List<ClientTokenCutoff> cutoffs, List<AuditEvent> audit) {

        /** Events in {@code later} that are not in this one, oldest first. */
        List<AuditEvent> auditAddedBy(Snapshot later) {
            Set<Long> known = audit.stream().map(AuditEvent::id).collect(java.util.stream.Collectors.toSet());
            return later.audit.stream().filter(e -> !known.contains(e.id()))
                    .sorted(Comparator.comparingLong(AuditEvent::id)).toList();
        }
    }

    Snapshot snapshot(TenantId tenant) {
        Store store = store();
        return new Snapshot(
                store.clients().list(tenant).stream()
                        .sorted(Comparator.comparing(c -> c.clientId().value())).toList(),
                store.scopes().list(tenant).stream()
                        .sorted(Comparator.comparing(s -> s.name().value())).toList(),
                store.admins().list(tenant).stream().sorted(Comparator.comparing(Admin::id)).toList(),
                store.revocations().listCutoffs(Instant.EPOCH).stream().filter(c -> c.tenant().equals(tenant))
                        .sorted(Comparator.comparing(c -> c.client().value())).toList(),
                store.audit().query(tenant, AuditRepository.Filter.ALL, 0, 100_000));
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
