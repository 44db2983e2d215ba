package dev.tollgate.server.cli;

import dev.tollgate.server.Administration;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.ProvisionedTenant;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code client list}, {@code scope list}, {@code tenant list}, {@code keys list} and
 * {@code admin list}: a header row, a row per item, and a sentence instead of nothing.
 */
class ListCommandsTest {

    private static final TenantId EMPTY = TenantId.of("20002");

    @TempDir
    Path directory;

    private DataDir store;

    @BeforeEach
    void store() {
        store = new DataDir(directory.resolve("data"));
    }

    @Test
    void clientListWhenRunThenAHeaderRowThenARowPerClient() {
        ProvisionedTenant tenant = store.bootstrap();

        Cli.Run list = store.run("client", "list", "--tenant", "10001");

        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("CLIENT_ID +STATE +SCOPES +NAME");
        assertThat(lines).hasSize(3);
        for (var c : tenant.clients()) {
            assertThat(lines).anyMatch(line -> line.startsWith(c.client().clientId().value())
                    && line.endsWith(c.client().name()) && line.contains(" enabled "));
        }
        assertThat(lines).anyMatch(line -> line.contains(" users:read,users:write "));
    }

    @Test
    void clientListWhenTheTenantHasNoClientThenSaysSoNamingTheTenant() {
        bareTenant();

        Cli.Run list = store.run("client", "list", "--tenant", EMPTY.value());

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("No clients in tenant 20002." + System.lineSeparator());
    }

    @Test
    void clientListWhenNoTenantThenListsTheDefaultTenantOfTheConfiguration() throws IOException {
        store.bootstrap();
        store.with(app -> Administration.of(app).tenants.create(EMPTY, "Other", TenantSettings.DEFAULTS));
        List<ClientCredential> others = store.with(app -> Administration.of(app).clients.list(EMPTY));
        Path config = Files.writeString(directory.resolve("tollgate.properties"),
                "default-tenant = 20002\n");

        Cli.Run fromConfig = store.run("client", "list", "--config", config.toString());
        Cli.Run builtIn = store.run("client", "list");

        assertThat(fromConfig.exitCode()).as(fromConfig.err()).isZero();
        for (ClientCredential c : others) {
            assertThat(fromConfig.out()).contains(c.clientId().value());
        }
        assertThat(builtIn.exitCode()).as(builtIn.err()).isZero();
        for (ClientCredential c : others) {
            assertThat(builtIn.out()).doesNotContain(c.clientId().value());
        }
        assertThat(builtIn.out().lines()).hasSize(3);
    }

    @Test
    void scopeListWhenRunThenAHeaderRowThenARowPerScopeMarkingTheBuiltInOnes() {
        store.bootstrap();
        store.run("scope", "create", "--name", "orders:read", "--description", "Read orders");

        Cli.Run list = store.run("scope", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("NAME +BUILT_IN +DESCRIPTION");
        assertThat(lines).anyMatch(line -> line.matches("orders:read +no +Read orders"));
        assertThat(lines).anyMatch(line -> line.matches("users:read +yes +.+"));
    }

    @Test
    void scopeListWhenTheTenantHasNoScopeThenSaysSo() {
        bareTenant();

        Cli.Run list = store.run("scope", "list", "--tenant", EMPTY.value());

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("No scopes in tenant 20002." + System.lineSeparator());
    }

    @Test
    void tenantListWhenRunThenAHeaderRowThenARowPerTenant() {
        store.bootstrap();

        Cli.Run list = store.run("tenant", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).hasSize(2)
                .satisfies(lines -> assertThat(lines.get(0)).matches("TENANT +ALGORITHM +QUERY_CREDENTIALS +KEY_ROTATION +NAME"))
                .satisfies(lines -> assertThat(lines.get(1)).matches("10001 +ES256 +refused +P90D +.*"));
    }

    @Test
    void tenantListWhenThereIsNoTenantThenSaysHowToCreateOne() {
        Cli.Run list = store.run("tenant", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("No tenants yet: ./tollgate serve creates the default tenant")
                .contains("./tollgate tenant create --tenant ID");
    }

    @Test
    void keysListWhenRunThenAHeaderRowThenARowPerKey() {
        store.bootstrap();

        Cli.Run list = store.run("keys", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("KID +ALGORITHM +STATE +CREATED +PUBLISHED_UNTIL");
        assertThat(lines.subList(1, lines.size())).isNotEmpty()
                .allMatch(line -> line.matches("\\S+ +ES256 +(NEXT|CURRENT|RETIRED) +\\S+ +\\S+"));
        assertThat(lines).anyMatch(line -> line.contains(" CURRENT "));
    }

    @Test
    void keysListWhenTheTenantHasNoKeyThenSaysSo() {
        bareTenant();

        Cli.Run list = store.run("keys", "list", "--tenant", EMPTY.value());

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("No signing keys in tenant 20002." + System.lineSeparator());
    }

    @Test
    void adminListWhenRunThenAHeaderRowThenARowPerAdmin() {
        store.bootstrap();
        store.with(app -> app.adminAccounts().bootstrap(DEFAULT_TENANT));
        store.run("admin", "create", "--username", "auditor", "--role", "additional_admin",
                "--capabilities", "view_audit");

        Cli.Run list = store.run("admin", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +USERNAME +ROLE +CAPABILITIES");
        assertThat(lines).hasSize(3)
                .anyMatch(line -> line.matches("\\S+ +" + AdminAccounts.BOOTSTRAP_USERNAME + " +admin +\\S*manage_admins\\S*"))
                .anyMatch(line -> line.matches("\\S+ +auditor +additional_admin +view_audit"));
    }

    @Test
    void adminListWhenTheTenantHasNoAdminThenSaysHowToCreateOne() {
        store.bootstrap();

        Cli.Run list = store.run("admin", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo("No admins in tenant 10001. ./tollgate admin create --tenant 10001"
                + " --username NAME creates one." + System.lineSeparator());
    }

    /** A tenant as the store holds it before provisioning: no clients, scopes, keys or admins. */
    private void bareTenant() {
        store.with(app -> {
            app.store().tenants().insert(new Tenant(EMPTY, "Empty", TenantSettings.DEFAULTS, Instant.now()));
            return null;
        });
    }
}
