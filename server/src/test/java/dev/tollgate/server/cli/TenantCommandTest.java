package dev.tollgate.server.cli;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tenant create}: everything a tenant needs, the console's first admin included. */
class TenantCommandTest {

    private static final TenantId TENANT = TenantId.of("20002");
    /** The same sentence as serve's for the default tenant. */
    private static final Pattern ADMIN_PASSWORD = Pattern.compile(
            "Console admin 'admin' created with password (\\S+) \\(shown only now; it must be changed at first login\\)\\.");

    @TempDir
    Path directory;

    @Test
    void tenantCreateWhenRunThenPrintsTheClientSecretsAndTheFirstAdminsOneTimePassword() {
        DataDir store = new DataDir(directory.resolve("data"));

        Cli.Run created = store.run("tenant", "create", "--tenant", TENANT.value(), "--name", "Acme");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created tenant 20002.").contains("client_secret=");
        Matcher printed = ADMIN_PASSWORD.matcher(created.out());
        assertThat(printed.find()).as(created.out()).isTrue();
        LoginResult login = store.with(app -> app.adminAccounts().login(TENANT, AdminAccounts.BOOTSTRAP_USERNAME,
                printed.group(1).toCharArray(), null, "127.0.0.1", null));
        assertThat(login).isInstanceOfSatisfying(LoginResult.Success.class,
                ok -> assertThat(ok.authenticated().admin().mustChangePassword()).isTrue());
        AuditEvent event = store.audit(TENANT).stream().filter(e -> e.action().equals("admin.create"))
                .findFirst().orElseThrow();
        assertThat(event.actorId()).isEqualTo("cli");
    }

    @Test
    void tenantSetWhenAllowListsGivenThenStoredAndEmptiedByAnEmptyValue() {
        DataDir store = new DataDir(directory.resolve("data"));
        store.bootstrap();

        Cli.Run set = store.run("tenant", "set", "--tenant", "10001", "--allowed-authorities", "ROLE_READER,ROLE_WRITER",
                "--allowed-audiences", "urn:orders");
        assertThat(set.exitCode()).as(set.err()).isZero();
        TenantSettings listed = store.with(app -> app.store().tenants().find(TenantId.of("10001")).orElseThrow().settings());
        store.run("tenant", "set", "--tenant", "10001", "--allowed-authorities=");
        TenantSettings emptied = store.with(app -> app.store().tenants().find(TenantId.of("10001")).orElseThrow().settings());

        assertThat(listed.allowedAuthorities()).containsExactly("ROLE_READER", "ROLE_WRITER");
        assertThat(listed.allowedAudiences()).containsExactly("urn:orders");
        assertThat(emptied.allowedAuthorities()).isEmpty();
        assertThat(emptied.allowedAudiences()).containsExactly("urn:orders");
    }

    @Test
    void tenantSetWhenKeyRotationIntervalGivenThenStoredListedAndOffTurnsItOff() {
        DataDir store = new DataDir(directory.resolve("data"));
        store.bootstrap();

        Cli.Run weekly = store.run("tenant", "set", "--tenant", "10001", "--key-rotation-interval", "P7D");
        Duration stored = store.with(app -> app.store().tenants().find(TenantId.of("10001")).orElseThrow().settings()
                .keyRotationInterval());
        Cli.Run listed = store.run("tenant", "list");
        Cli.Run off = store.run("tenant", "set", "--tenant", "10001", "--key-rotation-interval", "off");
        Duration storedOff = store.with(app -> app.store().tenants().find(TenantId.of("10001")).orElseThrow()
                .settings().keyRotationInterval());

        assertThat(weekly.exitCode()).as(weekly.err()).isZero();
        assertThat(stored).isEqualTo(Duration.ofDays(7));
        assertThat(listed.out()).contains("KEY_ROTATION").contains("P7D");
        assertThat(off.exitCode()).as(off.err()).isZero();
        assertThat(storedOff).isNull();
    }

    @Test
    void tenantSetWhenKeyRotationIntervalOutOfBoundsThenRefusedSayingTheRuleAndNothingChanged() {
        DataDir store = new DataDir(directory.resolve("data"));
        store.bootstrap();

        Cli.Run tooShort = store.run("tenant", "set", "--tenant", "10001", "--key-rotation-interval", "PT5M");
        Cli.Run garbage = store.run("tenant", "set", "--tenant", "10001", "--key-rotation-interval", "monthly");

        assertThat(tooShort.exitCode()).isNotZero();
        assertThat(tooShort.err()).contains("key rotation interval").contains("between 1 hour and 3650 days");
        assertThat(garbage.exitCode()).isNotZero();
        assertThat(garbage.err()).contains("key rotation interval").contains("P90D");
        Duration unchanged = store.with(app -> app.store().tenants().find(TenantId.of("10001")).orElseThrow()
                .settings().keyRotationInterval());
        assertThat(unchanged).isEqualTo(TenantSettings.DEFAULT_KEY_ROTATION_INTERVAL);
    }
}
