package dev.tollgate.server.config;

import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.server.Tollgate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits read from the configuration reach the code that applies them, not just the config record. */
class ConfiguredLimitsTest {

    @TempDir
    Path dir;

    @Test
    void consoleLoginWhenTheLoginKeysAllowOneFailureThenTheNextAttemptIsThrottledEvenWithTheRightPassword() {
        ServerConfig config = ConfigLoader.load(null, Map.of(
                "TOLLGATE_DATA_DIR", dir.resolve("data").toString(),
                "TOLLGATE_CONSOLE_LOGIN_FREE_FAILURES", "0",
                "TOLLGATE_CONSOLE_LOGIN_REFUSE_AFTER", "1"), Map.of()).server();

        try (Tollgate app = Tollgate.open(config, Clock.systemUTC())) {
            app.bootstrap(config.defaultTenant()).orElseThrow();
            AdminWithPassword admin = app.adminAccounts().bootstrap(config.defaultTenant()).orElseThrow();
            String username = admin.admin().username();

            LoginResult wrong = app.adminAccounts().login(config.defaultTenant(), username,
                    "not the password".toCharArray(), null, "192.0.2.1", null);
            LoginResult right = app.adminAccounts().login(config.defaultTenant(), username,
                    admin.password().toCharArray(), null, "192.0.2.1", null);

            assertThat(wrong).isInstanceOf(LoginResult.Refused.class);
            // The built-in default (3 free failures) would have let this one through.
            assertThat(right).isInstanceOf(LoginResult.Throttled.class);
        }
    }
}
