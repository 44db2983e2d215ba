package dev.tollgate.core.admin;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11, point 2: logins share one bounded hashing pool; with its one permit held by a slow
 * hash, another login is answered at once as throttled, and nothing about it is counted or audited.
 */
class AdminAccountsLoginFloodTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final String PASSWORD = "correct horse battery";
    private static final String ADDRESS = "192.0.2.10";

    private final InMemoryInstallation node = new InMemoryInstallation();
    private final PasswordHashingPool pool = new PasswordHashingPool(1, Duration.ofMillis(100));
    private final PasswordHasher hasher = new PasswordHasher(1000, pool);
    private final AdminAccounts accounts = new AdminAccounts(node.store, hasher,
            new FailureLimiter(FailureLimiter.Settings.loginDefaults(), node.clock),
            new FailureLimiter(FailureLimiter.Settings.loginDefaults(), node.clock),
            AdminAccounts.Settings.DEFAULTS, node.clock);
    private final ExecutorService elsewhere = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private Admin alice;
    private Future<Boolean> holder;

    @BeforeEach
    void provision() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        Instant now = node.clock.instant();
        alice = new Admin(UUID.randomUUID().toString(), TENANT, "alice", AdminRole.ADMIN, null,
                hasher.hash(PASSWORD.toCharArray()), false, null, now, now);
        node.store.admins().insert(alice);
    }

    @AfterEach
    void stop() {
        release.countDown();
        elsewhere.close();
        pool.close();
    }

    /** Another login's hash, slowed down: it holds the only permit until the test releases it. */
    private void holdTheOnlyPermit() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        holder = elsewhere.submit(() -> pool.run(() -> {
            started.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private LoginResult login(String username, String password) {
        return accounts.login(TENANT, username, password.toCharArray(), null, ADDRESS, null);
    }

    private int failedLoginsAudited() {
        return node.store.audit().query(TENANT, AuditRepository.Filter.ALL, 0, 1000).stream()
                .filter(e -> e.action().equals(AuditAction.ADMIN_LOGIN_FAILED)).toList().size();
    }

    @Test
    void loginWhenTheOnlyHashingPermitIsHeldThenThrottledWithRetryAfterAndNothingCountedOrAudited()
            throws Exception {
        holdTheOnlyPermit();

        LoginResult busy = login("alice", "a wrong password");

        assertThat(busy).isInstanceOfSatisfying(LoginResult.Throttled.class,
                t -> assertThat(t.retryAfter()).isPositive());
        assertThat(failedLoginsAudited()).isZero();
        release.countDown();
        // The holder hands the permit back on its own thread: waited for, or the next login could
        // still find it taken on a loaded machine and be throttled instead of refused.
        holder.get(10, TimeUnit.SECONDS);
        // Not counted: all four answered attempts of the account are still there (counted, the fourth would be throttled).
        for (int i = 0; i < 4; i++) {
            assertThat(login("alice", "a wrong password")).isInstanceOf(LoginResult.Refused.class);
        }
    }

    @Test
    void loginWhenUsernameUnknownAndTheOnlyHashingPermitIsHeldThenThrottledToo() throws Exception {
        holdTheOnlyPermit();

        // The equal-timing hash of an unknown username goes through the same pool.
        assertThat(login("mallory", "a wrong password")).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void disableTotpWhenTheOnlyHashingPermitIsHeldThenThrottled() throws Exception {
        AdminAccounts.Authenticated who = ((LoginResult.Success) login("alice", PASSWORD)).authenticated();
        String secret = accounts.beginTotpEnrollment();
        accounts.enrollTotp(who, PASSWORD.toCharArray(), secret, Totp.code(Totp.decodeBase32(secret),
                node.clock.instant().getEpochSecond() / 30, 6, "HmacSHA1"));
        holdTheOnlyPermit();

        assertThatThrownBy(() -> accounts.disableTotp(who, PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(AdminFailure.Throttled.class, t -> assertThat(t.retryAfter()).isPositive());
    }
}
