package dev.tollgate.server.cli;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.audit.AuditEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code admin delete} and {@code admin reset-password}, through the audited admin operations. */
class AdminCommandTest {

    private static final Pattern NEW_PASSWORD = Pattern.compile(
            "new password for admin (\\S+) \\(shown only now; it must be changed at the next login\\): (\\S+)");

    @TempDir
    Path directory;

    private DataDir store;
    private AdminWithPassword first;

    @BeforeEach
    void tenantWithItsFirstAdmin() {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
        first = store.with(app -> app.adminAccounts().bootstrap(DEFAULT_TENANT).orElseThrow());
    }

    @Test
    void adminDeleteWhenRunThenTheAdminRemovedAndAuditedAsTheCli() {
        Cli.Run created = store.run("admin", "create", "--username", "ops");
        assertThat(created.exitCode()).as(created.err()).isZero();

        Cli.Run delete = store.run("admin", "delete", "--username", "ops");

        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).startsWith("deleted admin ops (");
        assertThat(admins()).extracting(Admin::username).containsExactly(first.admin().username());
        AuditEvent event = store.audit(DEFAULT_TENANT).get(0);
        assertThat(event.action()).isEqualTo("admin.delete");
        assertThat(event.actorId()).isEqualTo("cli");
    }

    @Test
    void adminDeleteWhenTheLastAdminThenRefused() {
        Cli.Run delete = store.run("admin", "delete", "--username", first.admin().username());

        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.error()).isEqualTo("error: the tenant must keep at least one admin with role admin");
        assertThat(admins()).hasSize(1);
    }

    @Test
    void adminDeleteWhenUsernameUnknownThenRefusedNamingIt() {
        Cli.Run delete = store.run("admin", "delete", "--username", "nobody");

        assertThat(delete.exitCode()).isEqualTo(1);
        assertThat(delete.error()).isEqualTo("error: no admin nobody in tenant 10001");
    }

    @Test
    void adminResetPasswordWhenRunThenPrintsAOneTimePasswordThatLogsInAndMustBeChanged() {
        Cli.Run reset = store.run("admin", "reset-password", "--username", first.admin().username());

        assertThat(reset.exitCode()).as(reset.err()).isZero();
        Matcher printed = NEW_PASSWORD.matcher(reset.out().strip());
        assertThat(printed.matches()).as(reset.out()).isTrue();
        assertThat(printed.group(1)).isEqualTo(first.admin().username());
        String password = printed.group(2);
        assertThat(password).isNotEqualTo(first.password());
        LoginResult withNew = store.with(app -> app.adminAccounts().login(DEFAULT_TENANT, first.admin().username(),
                password.toCharArray(), null, "127.0.0.1", null));
        LoginResult withOld = store.with(app -> app.adminAccounts().login(DEFAULT_TENANT, first.admin().username(),
                first.password().toCharArray(), null, "127.0.0.1", null));
        assertThat(withNew).isInstanceOfSatisfying(LoginResult.Success.class,
                ok -> assertThat(ok.authenticated().admin().mustChangePassword()).isTrue());
        assertThat(withOld).isInstanceOf(LoginResult.Refused.class);
        AuditEvent event = store.audit(DEFAULT_TENANT).stream()
                .filter(e -> e.action().equals("admin.password_reset")).findFirst().orElseThrow();
        assertThat(event.actorId()).isEqualTo("cli");
        assertThat(event.target()).isEqualTo(first.admin().id());
    }

    @Test
    void adminResetPasswordWhenUsernameUnknownThenRefusedNamingIt() {
        Cli.Run reset = store.run("admin", "reset-password", "--username", "nobody");

        assertThat(reset.exitCode()).isEqualTo(1);
        assertThat(reset.error()).isEqualTo("error: no admin nobody in tenant 10001");
    }

    private List<Admin> admins() {
        return store.with(app -> app.store().admins().list(DEFAULT_TENANT));
    }
}
