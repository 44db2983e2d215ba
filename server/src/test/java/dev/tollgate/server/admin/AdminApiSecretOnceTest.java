package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.store.Store;
import dev.tollgate.server.CapturedLogs;
import dev.tollgate.server.TestServer;
import dev.tollgate.server.admin.AdminApiFixture.Response;
import dev.tollgate.server.admin.AdminApiFixture.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client secret is in the one response that creates or rotates it, and a generated admin
 * password in the one response that creates the admin (or the bootstrap's return value): in no
 * later response of the API, no log line (every logger at TRACE, encoded as the production JSON
 * appender does) and no cell of any table in the database, on both stores. Passwords admins choose
 * are in no log line and no cell either.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Kind.class)
class AdminApiSecretOnceTest {

    @Parameter
    TestServer.Kind kind;

    private CapturedLogs logs;
    private AdminApiFixture f;

    @BeforeEach
    void start() {
        // Before the server starts, so whatever it logs from the first line on is captured.
        logs = CapturedLogs.everythingAtTrace();
        f = new AdminApiFixture(TestServer.start(kind));
    }

    @AfterEach
    void stop() {
        f.close();
        logs.close();
    }

    @Test
    void clientSecretWhenCreatedOrRotatedThenInThatResponseOnlyThenNeverInResponsesLogsOrDatabase() throws Exception {
        Session admin = f.seedAndLogin(TENANT, "secret.admin", AdminRole.ADMIN, Set.of());
        String api = f.api(TENANT);
        Map<String, Response> responses = new LinkedHashMap<>();

        Response created = f.call("POST", api + "/clients", admin,
                "{\"name\":\"secret once\",\"allowed_scopes\":[\"users:read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = (String) created.json().get("client_id");
        String first = (String) created.json().get("client_secret");
        assertThat(first).hasSizeGreaterThanOrEqualTo(32);
        responses.put("create", created);
        // Used over the wire, so it passes through every layer that might log it.
        assertThat(f.tokenResponse(TENANT, id, first).status()).isEqualTo(200);

        Response rotated = f.call("POST", api + "/clients/" + id + "/rotate-secret", admin, "{\"overlap_seconds\":300}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = (String) rotated.json().get("client_secret");
        assertThat(second).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(first);
        responses.put("rotate", rotated);
        assertThat(f.tokenResponse(TENANT, id, second).status()).isEqualTo(200);
        assertThat(f.tokenResponse(TENANT, id, first).status()).as("the first during the overlap").isEqualTo(200);
        assertThat(f.tokenResponse(TENANT, id, first + "x").status()).isEqualTo(401);

        responses.put("get", f.call("GET", api + "/clients/" + id, admin, null));
        responses.put("list", f.call("GET", api + "/clients?limit=100", admin, null));
        responses.put("search", f.call("GET", api + "/clients?q=secret", admin, null));
        responses.put("issuance", f.call("GET", api + "/clients/" + id + "/issuance", admin, null));
        responses.put("update", f.call("PATCH", api + "/clients/" + id, admin, "{\"name\":\"secret once, renamed\"}"));
        responses.put("revoke previous", f.call("POST", api + "/clients/" + id + "/revoke-previous-secret", admin, null));
        responses.put("audit", f.call("GET", api + "/audit?limit=100", admin, null));
        responses.put("audit of the client", f.call("GET", api + "/audit?client=" + id, admin, null));
        responses.put("audit of changes", f.call("GET", api + "/audit?action=client.", admin, null));
        responses.forEach((name, response) -> assertThat(response.status()).as(name + ": " + response.body())
                .isBetween(200, 201));
        assertThat((List<?>) responses.get("audit of changes").json().get("events")).as("create, rotate, update, revoke")
                .hasSize(4);

        responses.forEach((name, response) -> {
            assertThat(occurrences(response.body(), first)).as(name).isEqualTo(name.equals("create") ? 1 : 0);
            assertThat(occurrences(response.body(), second)).as(name).isEqualTo(name.equals("rotate") ? 1 : 0);
        });
        assertNowhereInLogsOrDatabase(List.of(first, second), List.of(id, "secret once, renamed"));
    }

    @Test
    void adminPasswordsWhenGeneratedOrChosenThenNeverInResponsesLogsOrDatabase() throws Exception {
        String api = f.api(TENANT);
        String bootstrap = f.server.app().adminAccounts().bootstrap(TENANT).orElseThrow().password();
        String chosen = "chosen-by-the-first-admin-5e2a";
        String wrong = "wrong-password-never-kept-9c1d";
        List<Response> responses = new ArrayList<>();

        assertThat(f.loginResponse(TENANT, AdminAccounts.BOOTSTRAP_USERNAME, wrong).status()).isEqualTo(401);
        Response first = f.loginResponse(TENANT, AdminAccounts.BOOTSTRAP_USERNAME, bootstrap);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json()).containsEntry("must_change_password", true);
        Session generated = AdminApiFixture.session(first);
        // A generated password opens nothing but the change of it.
        f.call("GET", api + "/clients", generated, null).assertError(403, "password_change_required");
        f.call("POST", api + "/scopes", generated, "{\"name\":\"too.early\"}").assertError(403, "password_change_required");
        Session admin = f.changePassword(TENANT, generated, bootstrap, chosen);
        assertThat(admin.cookie()).isNotEqualTo(generated.cookie());
        f.call("GET", api + "/clients", generated, null).assertError(401, null);
        assertThat(f.call("GET", api + "/clients", admin, null).status()).isEqualTo(200);
        responses.add(first);

        Response created = f.call("POST", api + "/admins", admin,
                "{\"username\":\"created.once\",\"role\":\"additional_admin\",\"capabilities\":[\"view_audit\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String password = (String) created.json().get("password");
        String adminId = (String) created.json().get("id");
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(occurrences(created.body(), password)).isEqualTo(1);
        assertThat(created.json()).containsEntry("must_change_password", true);

        Session newcomer = f.login(TENANT, "created.once", password);
        String theirs = "chosen-by-the-newcomer-77b0";
        newcomer = f.changePassword(TENANT, newcomer, password, theirs);
        assertThat(f.call("GET", api + "/audit", newcomer, null).status()).isEqualTo(200);
        assertThat(f.loginResponse(TENANT, "created.once", password).status()).as("the generated one, replaced")
                .isEqualTo(401);

        responses.add(f.call("GET", api + "/admins", admin, null));
        responses.add(f.call("GET", api + "/admins/" + adminId, admin, null));
        responses.add(f.call("PATCH", api + "/admins/" + adminId, admin, "{\"capabilities\":[\"view_audit\",\"manage_scopes\"]}"));
        responses.add(f.call("GET", api + "/audit?limit=100", admin, null));
        responses.add(f.call("GET", api + "/audit?limit=100", newcomer, null));
        for (Response response : responses) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).doesNotContain(bootstrap, chosen, wrong, password, theirs)
                    .doesNotContain("pbkdf2");
        }
        assertNowhereInLogsOrDatabase(List.of(bootstrap, chosen, wrong, password, theirs), List.of(adminId, "created.once"));
    }

    /** @param present values that must be found, so a dump or capture that saw nothing cannot pass */
    private void assertNowhereInLogsOrDatabase(List<String> secrets, List<String> present) throws Exception {
        List<String> lines = logs.lines();
        assertThat(lines).as("captured log lines").hasSizeGreaterThan(10);
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).as("a log line").doesNotContain(secret);
            }
        }
        List<String> cells = dump(f.store());
        for (String value : present) {
            assertThat(cells).as("the dump holds " + value).anySatisfy(c -> assertThat(c).contains(value));
        }
        for (String cell : cells) {
            for (String secret : secrets) {
                assertThat(cell).as("a database cell").doesNotContain(secret);
            }
        }
    }

    private static int occurrences(String text, String value) {
        int count = 0;
        for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
            count++;
        }
        return count;
    }

    /** Every cell of every table of the store's own schemas, as {@code table.column=value}. */
    private static List<String> dump(Store store) throws Exception {
        Method accessor = store.getClass().getDeclaredMethod("dataSource");
        accessor.setAccessible(true);
        DataSource dataSource = (DataSource) accessor.invoke(store);
        List<String> cells = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, null, "%", null)) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    String type = rs.getString("TABLE_TYPE");
                    if (schema == null || type == null || !type.toUpperCase(Locale.ROOT).contains("TABLE")
                            || type.toUpperCase(Locale.ROOT).contains("SYSTEM")
                            || Set.of("information_schema", "pg_catalog").contains(schema.toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    tables.add("\"" + schema + "\".\"" + rs.getString("TABLE_NAME") + "\"");
                }
            }
            assertThat(String.join(" ", tables).toLowerCase(Locale.ROOT)).as("tables found")
                    .contains("client", "admin", "audit");
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData columns = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= columns.getColumnCount(); i++) {
                            cells.add(table + "." + columns.getColumnName(i) + "=" + text(rs.getObject(i)));
                        }
                    }
                }
            }
        }
        return cells;
    }

    private static String text(Object value) throws Exception {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Blob blob) {
            return new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.UTF_8);
        }
        if (value instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        return String.valueOf(value);
    }
}
