package dev.tollgate.core.admin;

import dev.tollgate.core.InMemoryInstallation;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import dev.tollgate.core.store.InMemoryStore;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminAccountsTest {

    private static final TenantId TENANT = TenantId.of("10001");
    private static final TenantId OTHER = TenantId.of("10002");
    private static final String PASSWORD = "correct horse battery";
    private static final String ADDRESS = "192.0.2.10";

    private final InMemoryInstallation node = new InMemoryInstallation();
    private final InMemoryStore store = node.store;
    private final PasswordHasher hasher = new PasswordHasher(1000);
    /** Per address: looser than per account, as one office shares an address. */
    private final FailureLimiter perAddress = new FailureLimiter(new FailureLimiter.Settings(6, Duration.ofSeconds(1),
            Duration.ofSeconds(30), 20, Duration.ofMinutes(15), 1000), node.clock);
    private final AdminAccounts accounts = new AdminAccounts(store, hasher,
            new FailureLimiter(FailureLimiter.Settings.loginDefaults(), node.clock), perAddress,
            AdminAccounts.Settings.DEFAULTS, node.clock);
    private Admin alice;

    @BeforeEach
    void provision() {
        node.tenants.create(TENANT, "Acme", TenantSettings.DEFAULTS);
        node.tenants.create(OTHER, "Other", TenantSettings.DEFAULTS);
        alice = addAdmin(TENANT, "alice", null);
    }

    private Admin addAdmin(TenantId tenant, String username, String totpSecret) {
        Instant now = node.clock.instant();
        Admin admin = new Admin(UUID.randomUUID().toString(), tenant, username, AdminRole.ADMIN, null,
                hasher.hash(PASSWORD.toCharArray()), false, totpSecret, now, now);
        store.admins().insert(admin);
        return admin;
    }

    private LoginResult login(String username, String password) {
        return accounts.login(TENANT, username, password.toCharArray(), null, ADDRESS, null);
    }

    private LoginResult.Success loginAlice() {
        return (LoginResult.Success) login("alice", PASSWORD);
    }

    private static String currentCode(String secret, Instant now) {
        return Totp.code(Totp.decodeBase32(secret), now.getEpochSecond() / 30, 6, "HmacSHA1");
    }

    /** The tenant's audit log, newest first. */
    private List<AuditEvent> auditLog() {
        return store.audit().query(TENANT, AuditRepository.Filter.ALL, 0, 1000);
    }

    private List<AuditEvent> audited(String action) {
        return auditLog().stream().filter(e -> e.action().equals(action)).toList();
    }

    /** Every text field of an event, to show what it does not contain. */
    private static String everything(AuditEvent e) {
        return String.join("|", String.valueOf(e.actorId()), String.valueOf(e.actorName()), e.action(),
                String.valueOf(e.clientId()), String.valueOf(e.target()), String.valueOf(e.address()),
                String.valueOf(e.before()), String.valueOf(e.after()), String.valueOf(e.detail()));
    }

    // bootstrap

    @Test
    void bootstrapWhenTenantHasNoAdminThenAdminWithAGeneratedPasswordToChange() {
        TenantId fresh = TenantId.of("10003");
        node.tenants.create(fresh, "Fresh", TenantSettings.DEFAULTS);

        AdminAccounts.AdminWithPassword created = accounts.bootstrap(fresh).orElseThrow();

        assertThat(created.admin().username()).isEqualTo("admin");
        assertThat(created.admin().role()).isEqualTo(AdminRole.ADMIN);
        assertThat(created.admin().mustChangePassword()).isTrue();
        assertThat(created.admin().totpSecret()).isNull();
        assertThat(created.password()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(store.admins().list(fresh)).containsExactly(created.admin());
        assertThat(created.admin().passwordHash()).doesNotContain(created.password());
        assertThat(accounts.login(fresh, "admin", created.password().toCharArray(), null, ADDRESS, null))
                .isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void bootstrapWhenTenantHasAnAdminThenEmpty() {
        assertThat(accounts.bootstrap(TENANT)).isEmpty();
        assertThat(store.admins().list(TENANT)).containsExactly(alice);
    }

    @Test
    void bootstrapWhenTenantUnknownThenNotFound() {
        assertThatThrownBy(() -> accounts.bootstrap(TenantId.of("99999"))).isInstanceOf(AdminFailure.NotFound.class);
    }

    // login

    @Test
    void loginWhenPasswordRightThenSuccessWithAFreshSessionStoredOnlyAsItsHash() {
        LoginResult.Success success = loginAlice();

        assertThat(success.authenticated().admin()).isEqualTo(alice);
        assertThat(success.sessionId()).matches("[A-Za-z0-9_-]{43}");
        AdminSession session = success.authenticated().session();
        assertThat(session.idHash()).isEqualTo(AdminAccounts.hashSessionId(success.sessionId()))
                .isNotEqualTo(success.sessionId());
        assertThat(session.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(success.sessionId());
        assertThat(session.tenantId()).isEqualTo(TENANT);
        assertThat(session.adminId()).isEqualTo(alice.id());
        assertThat(session.address()).isEqualTo(ADDRESS);
        assertThat(session.createdAt()).isEqualTo(node.clock.instant());
        assertThat(session.lastSeenAt()).isEqualTo(node.clock.instant());
        assertThat(store.adminSessions().find(session.idHash())).contains(session);
        assertThat(store.adminSessions().find(success.sessionId())).isEmpty();
    }

    @Test
    void loginWhenTwiceThenTwoDifferentSessions() {
        LoginResult.Success first = loginAlice();
        LoginResult.Success second = loginAlice();

        assertThat(first.sessionId()).isNotEqualTo(second.sessionId());
        assertThat(first.authenticated().session().csrfToken())
                .isNotEqualTo(second.authenticated().session().csrfToken());
    }

    @Test
    void loginWhenPasswordWrongThenRefusedAndCounted() {
        for (int i = 0; i < 4; i++) {
            assertThat(login("alice", "wrong password")).isInstanceOf(LoginResult.Refused.class);
        }

        assertThat(login("alice", PASSWORD)).isEqualTo(new LoginResult.Throttled(Duration.ofSeconds(1)));
    }

    @Test
    void loginWhenUsernameUnknownThenRefusedAndCounted() {
        for (int i = 0; i < 4; i++) {
            assertThat(login("mallory", PASSWORD)).isInstanceOf(LoginResult.Refused.class);
        }

        assertThat(login("mallory", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenUsernameMalformedThenRefused() {
        assertThat(login("alice smith", PASSWORD)).isInstanceOf(LoginResult.Refused.class);
        assertThat(accounts.login(TENANT, null, PASSWORD.toCharArray(), null, ADDRESS, null))
                .isInstanceOf(LoginResult.Refused.class);
    }

    @Test
    void loginWhenPasswordNullThenRefused() {
        assertThat(accounts.login(TENANT, "alice", null, null, ADDRESS, null)).isInstanceOf(LoginResult.Refused.class);
    }

    @Test
    void loginWhenAdminOfAnotherTenantThenRefused() {
        addAdmin(OTHER, "bob", null);

        assertThat(login("bob", PASSWORD)).isInstanceOf(LoginResult.Refused.class);
    }

    @Test
    void loginWhenAccountThrottledThenThrottledEvenWithTheRightPasswordAndNoSessionOpens() {
        for (int i = 0; i < 10; i++) {
            login("alice", "wrong password");
            node.clock.advance(Duration.ofSeconds(30));
        }

        LoginResult result = accounts.login(TENANT, "alice", PASSWORD.toCharArray(), null, "198.51.100.7", null);

        assertThat(result).isInstanceOf(LoginResult.Throttled.class);
        assertThat(((LoginResult.Throttled) result).retryAfter()).isEqualTo(Duration.ofMinutes(15).minusSeconds(30));
    }

    // ---- known devices (issue 11, point 5) ------------------------------------------------------

    private static final String ATTACKER = "203.0.113.66";

    /** Ten wrong passwords for alice from the attacker's address, 30 s apart: her account is refused. */
    private void lockAliceFromElsewhere() {
        for (int i = 0; i < 10; i++) {
            accounts.login(TENANT, "alice", "wrong password".toCharArray(), null, ATTACKER, null);
            node.clock.advance(Duration.ofSeconds(30));
        }
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);
    }

    private LoginResult loginWithDevice(String username, String password, String deviceToken) {
        return accounts.login(TENANT, username, password.toCharArray(), null, ADDRESS, null, deviceToken);
    }

    @Test
    void loginWhenAccountLockedFromElsewhereAndTheBrowserIsAKnownDeviceOfTheAdminThenSuccess() {
        String device = loginAlice().deviceToken();
        lockAliceFromElsewhere();

        LoginResult result = loginWithDevice("alice", PASSWORD, device);

        assertThat(result).isInstanceOf(LoginResult.Success.class);
        assertThat(((LoginResult.Success) result).deviceToken()).isNotBlank();
        // The attacker's count was not reset by her sign-in.
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenAccountLockedAndNoDeviceTokenThenThrottled() {
        loginAlice();
        lockAliceFromElsewhere();

        assertThat(loginWithDevice("alice", PASSWORD, null)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenAccountLockedAndTheDeviceTokenIsAnotherAdminsThenThrottled() {
        addAdmin(TENANT, "bob", null);
        String bobsDevice = ((LoginResult.Success) login("bob", PASSWORD)).deviceToken();
        lockAliceFromElsewhere();

        assertThat(loginWithDevice("alice", PASSWORD, bobsDevice)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenAccountLockedAndTheDeviceTokenIsForgedThenThrottled() {
        String real = loginAlice().deviceToken();
        lockAliceFromElsewhere();
        String otherKey = new DeviceTokens(DeviceTokens.newKey(), node.clock).issue(TENANT, alice.id(), null);
        String tampered = real.substring(0, real.length() - 2) + (real.endsWith("AA") ? "BB" : "AA");

        assertThat(loginWithDevice("alice", PASSWORD, otherKey)).isInstanceOf(LoginResult.Throttled.class);
        assertThat(loginWithDevice("alice", PASSWORD, tampered)).isInstanceOf(LoginResult.Throttled.class);
        assertThat(loginWithDevice("alice", PASSWORD, "not.a-token")).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenAKnownDeviceGuessesThenItsOwnLimitRefusesIt() {
        String device = loginAlice().deviceToken();
        for (int i = 0; i < 10; i++) {
            assertThat(loginWithDevice("alice", "wrong password", device)).isInstanceOf(LoginResult.Refused.class);
            node.clock.advance(Duration.ofSeconds(30));
        }

        assertThat(loginWithDevice("alice", PASSWORD, device)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenWithAKnownDeviceThenTheSameDeviceIsRememberedAgain() {
        String first = loginAlice().deviceToken();
        String second = ((LoginResult.Success) loginWithDevice("alice", PASSWORD, first)).deviceToken();

        DeviceTokens.Device before = accountsDevice(first);
        DeviceTokens.Device after = accountsDevice(second);
        assertThat(after.deviceId()).isEqualTo(before.deviceId());
        assertThat(after.adminId()).isEqualTo(alice.id());
    }

    /** A token's content, read without the key (the payload is not secret, only signed). */
    private static DeviceTokens.Device accountsDevice(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8);
        String[] parts = payload.split("\\|");
        return new DeviceTokens.Device(TenantId.of(parts[1]), parts[2], parts[3]);
    }

    @Test
    void loginWhenAddressThrottledThenThrottledForEveryAccount() {
        for (int i = 0; i < 7; i++) {
            login("user" + i, "wrong password");
        }

        assertThat(login("alice", PASSWORD)).isEqualTo(new LoginResult.Throttled(Duration.ofSeconds(1)));
        assertThat(accounts.login(TENANT, "alice", PASSWORD.toCharArray(), null, "198.51.100.7", null))
                .isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void loginWhenUsernamesDifferOnlyInCaseThenTheirFailuresCountTogether() {
        for (int i = 0; i < 4; i++) {
            accounts.login(TENANT, "ALICE", "wrong".toCharArray(), null, "198.51.100." + i, null);
        }

        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenThrottledDelayHasPassedThenAllowedAgain() {
        for (int i = 0; i < 4; i++) {
            login("alice", "wrong password");
        }
        node.clock.advance(Duration.ofSeconds(1));

        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void loginWhenSuccessfulThenTheAccountsFailuresAreForgotten() {
        for (int i = 0; i < 3; i++) {
            login("alice", "wrong password");
        }
        loginAlice();

        for (int i = 0; i < 3; i++) {
            accounts.login(TENANT, "alice", "wrong".toCharArray(), null, "198.51.100.7", null);
        }

        assertThat(accounts.login(TENANT, "alice", PASSWORD.toCharArray(), null, "198.51.100.7", null))
                .isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void loginWhenTotpEnrolledAndNoCodeThenSecondFactorRequiredAndNotCounted() {
        addAdmin(TENANT, "carol", Totp.generateSecret());

        for (int i = 0; i < 5; i++) {
            assertThat(login("carol", PASSWORD)).isInstanceOf(LoginResult.SecondFactorRequired.class);
            assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), " ", ADDRESS, null))
                    .isInstanceOf(LoginResult.SecondFactorRequired.class);
        }
    }

    @Test
    void loginWhenTotpEnrolledAndPasswordWrongThenRefusedNotAskedForTheCode() {
        addAdmin(TENANT, "carol", Totp.generateSecret());

        assertThat(login("carol", "wrong password")).isInstanceOf(LoginResult.Refused.class);
    }

    @Test
    void loginWhenTotpCodeRightThenSuccess() {
        String secret = Totp.generateSecret();
        Admin carol = addAdmin(TENANT, "carol", secret);

        LoginResult result = accounts.login(TENANT, "carol", PASSWORD.toCharArray(),
                currentCode(secret, node.clock.instant()), ADDRESS, null);

        assertThat(result).isInstanceOfSatisfying(LoginResult.Success.class,
                s -> assertThat(s.authenticated().admin()).isEqualTo(carol));
    }

    @Test
    void loginWhenTotpCodeWrongThenRefusedAndCounted() {
        String secret = Totp.generateSecret();
        addAdmin(TENANT, "carol", secret);
        String wrong = currentCode(secret, node.clock.instant().plusSeconds(600));

        for (int i = 0; i < 4; i++) {
            assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), wrong, ADDRESS, null))
                    .isInstanceOf(LoginResult.Refused.class);
        }

        assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), currentCode(secret, node.clock.instant()),
                ADDRESS, null)).isInstanceOf(LoginResult.Throttled.class);
    }

    @Test
    void loginWhenTotpCodeAlreadyUsedThenRefused() {
        // RFC 6238 §5.2: a code is accepted once, even while it is still within the window.
        String secret = Totp.generateSecret();
        addAdmin(TENANT, "carol", secret);
        String code = currentCode(secret, node.clock.instant());
        accounts.login(TENANT, "carol", PASSWORD.toCharArray(), code, ADDRESS, null);

        assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), code, ADDRESS, null))
                .isInstanceOf(LoginResult.Refused.class);
        node.clock.advance(Duration.ofSeconds(30));
        assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), currentCode(secret, node.clock.instant()),
                ADDRESS, null)).isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void loginWhenTotpCodeUsedBeforeARestartOrOnAnotherNodeThenRefused() {
        // RFC 6238 §5.2 across processes: the used step is in the store, not in one process's memory.
        String secret = Totp.generateSecret();
        addAdmin(TENANT, "carol", secret);
        String code = currentCode(secret, node.clock.instant());
        assertThat(accounts.login(TENANT, "carol", PASSWORD.toCharArray(), code, ADDRESS, null))
                .isInstanceOf(LoginResult.Success.class);

        AdminAccounts restarted = anotherNode(hasher);

        assertThat(restarted.login(TENANT, "carol", PASSWORD.toCharArray(), code, ADDRESS, null))
                .isInstanceOf(LoginResult.Refused.class);
    }

    @Test
    void loginWhenOneTotpCodeUsedOnSeveralNodesAtOnceThenExactlyOneSucceeds() throws Exception {
        String secret = Totp.generateSecret();
        addAdmin(TENANT, "carol", secret);
        String code = currentCode(secret, node.clock.instant());
        int nodes = 6;
        // A pool per test with a permit per node, so no sign-in is refused for want of a hashing permit.
        PasswordHasher roomy = new PasswordHasher(1000, new PasswordHashingPool(nodes));
        List<AdminAccounts> cluster = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            cluster.add(anotherNode(roomy));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LoginResult>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(nodes)) {
            for (AdminAccounts each : cluster) {
                results.add(threads.submit(() -> {
                    start.await();
                    return each.login(TENANT, "carol", PASSWORD.toCharArray(), code, ADDRESS, null);
                }));
            }
            start.countDown();
            List<LoginResult> outcomes = new ArrayList<>();
            for (Future<LoginResult> result : results) {
                outcomes.add(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(outcomes).filteredOn(LoginResult.Success.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(LoginResult.Refused.class::isInstance).hasSize(nodes - 1);
        }
    }

    /** Another process over the same store: limiters and memory of its own. */
    private AdminAccounts anotherNode(PasswordHasher itsHasher) {
        return new AdminAccounts(store, itsHasher,
                new FailureLimiter(FailureLimiter.Settings.loginDefaults(), node.clock),
                new FailureLimiter(FailureLimiter.Settings.loginDefaults(), node.clock),
                AdminAccounts.Settings.DEFAULTS, node.clock);
    }

    @Test
    void loginWhenAPreviousSessionIdPresentedThenThatSessionEndsAndIsNotReused() {
        LoginResult.Success before = loginAlice();

        LoginResult.Success after = (LoginResult.Success) accounts.login(TENANT, "alice", PASSWORD.toCharArray(), null,
                ADDRESS, before.sessionId());

        assertThat(after.sessionId()).isNotEqualTo(before.sessionId());
        assertThat(accounts.resolve(before.sessionId())).isEmpty();
        assertThat(accounts.resolve(after.sessionId())).isPresent();
    }

    @Test
    void loginWhenAPlantedUnknownSessionIdPresentedThenANewIdAnyway() {
        LoginResult.Success success = (LoginResult.Success) accounts.login(TENANT, "alice", PASSWORD.toCharArray(),
                null, ADDRESS, "planted-by-the-attacker");

        assertThat(success.sessionId()).isNotEqualTo("planted-by-the-attacker");
        assertThat(accounts.resolve("planted-by-the-attacker")).isEmpty();
    }

    @Test
    void loginWhenExpiredSessionsExistThenTheyArePruned() {
        LoginResult.Success old = loginAlice();
        node.clock.advance(Duration.ofHours(13));

        loginAlice();

        assertThat(store.adminSessions().find(old.authenticated().session().idHash())).isEmpty();
    }

    // login: the audit log

    @Test
    void loginWhenSuccessfulThenAuditedAsTheAdminInTheSessionsTransaction() {
        loginAlice();

        assertThat(auditLog()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login");
            assertThat(e.actorKind()).isEqualTo(Actor.Kind.ADMIN);
            assertThat(e.actorId()).isEqualTo(alice.id());
            assertThat(e.actorName()).isEqualTo("alice");
            assertThat(e.target()).isEqualTo(alice.id());
            assertThat(e.address()).isEqualTo(ADDRESS);
            assertThat(e.at()).isEqualTo(node.clock.instant());
            assertThat(everything(e)).doesNotContain(PASSWORD);
        });
    }

    @Test
    void loginWhenPasswordWrongThenAuditedAsFailedWithTheAdminsIdAndNeverThePassword() {
        login("alice", "wrong password 123");

        assertThat(auditLog()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login_failed");
            assertThat(e.actorKind()).isEqualTo(Actor.Kind.ADMIN);
            assertThat(e.actorId()).isEqualTo(alice.id());
            assertThat(e.actorName()).isEqualTo("alice");
            assertThat(e.address()).isEqualTo(ADDRESS);
            assertThat(e.detail()).isEqualTo("wrong_credentials");
            assertThat(everything(e)).doesNotContain("wrong password 123");
        });
    }

    @Test
    void loginWhenUsernameUnknownThenAuditedWithTheAttemptedUsernameAsActor() {
        login("mallory", PASSWORD);

        assertThat(auditLog()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login_failed");
            assertThat(e.actorId()).isEqualTo("mallory");
            assertThat(e.actorName()).isEqualTo("mallory");
            assertThat(e.target()).isNull();
            assertThat(e.detail()).isEqualTo("wrong_credentials");
            assertThat(everything(e)).doesNotContain(PASSWORD);
        });
    }

    @Test
    void loginWhenAdminOfAnotherTenantThenAuditedInThisTenantWithoutTheirId() {
        Admin bob = addAdmin(OTHER, "bob", null);

        login("bob", PASSWORD);

        assertThat(audited("admin.login_failed")).singleElement()
                .satisfies(e -> assertThat(e.actorId()).isEqualTo("bob").isNotEqualTo(bob.id()));
        assertThat(store.audit().query(OTHER, AuditRepository.Filter.ALL, 0, 10)).isEmpty();
    }

    @Test
    void loginWhenUsernameUnprintableThenAuditedPrintable() {
        String attempted = "eve\n2026-01-01 admin.login ok\u202Eevil\u0000\uD800";

        login(attempted, PASSWORD);

        AuditEvent event = audited("admin.login_failed").getFirst();
        assertThat(event.actorName()).isEqualTo("eve\uFFFD2026-01-01 admin.login ok\uFFFDevil\uFFFD\uFFFD");
        assertThat(event.actorId()).isEqualTo(event.actorName());
    }

    @Test
    void loginWhenUsernameLongThenAuditedCutTo64AndNeverHalfAPair() {
        login("x".repeat(10_000), PASSWORD);
        login("y".repeat(63) + "\uD83D\uDE00", PASSWORD);
        accounts.login(TENANT, null, PASSWORD.toCharArray(), null, ADDRESS, null);

        assertThat(audited("admin.login_failed")).extracting(AuditEvent::actorName)
                .containsExactly("", "y".repeat(63), "x".repeat(64));
    }

    @Test
    void loginWhenTotpCodeWrongThenAuditedSecondFactorWrong() {
        String secret = Totp.generateSecret();
        Admin carol = addAdmin(TENANT, "carol", secret);
        String wrong = currentCode(secret, node.clock.instant().plusSeconds(600));

        accounts.login(TENANT, "carol", PASSWORD.toCharArray(), wrong, ADDRESS, null);

        assertThat(auditLog()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login_failed");
            assertThat(e.actorId()).isEqualTo(carol.id());
            assertThat(e.detail()).isEqualTo("second_factor_wrong");
            assertThat(everything(e)).doesNotContain(wrong).doesNotContain(secret).doesNotContain(PASSWORD);
        });
    }

    @Test
    void loginWhenSecondFactorMissingThenNothingAudited() {
        addAdmin(TENANT, "carol", Totp.generateSecret());

        login("carol", PASSWORD);

        assertThat(auditLog()).isEmpty();
    }

    @Test
    void loginWhenThrottledThenAuditedOncePerIntervalForTheBlockedAccount() {
        for (int i = 0; i < 4; i++) {
            login("alice", "wrong password");
        }
        assertThat(audited("admin.login_failed")).extracting(AuditEvent::detail).containsOnly("wrong_credentials")
                .hasSize(4);

        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);

        List<AuditEvent> throttled = auditLog().stream().filter(e -> "throttled".equals(e.detail())).toList();
        assertThat(throttled).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("admin.login_failed");
            assertThat(e.actorId()).isEqualTo(alice.id());
            assertThat(e.actorName()).isEqualTo("alice");
            assertThat(e.address()).isEqualTo(ADDRESS);
            assertThat(everything(e)).doesNotContain(PASSWORD);
        });
    }

    @Test
    void loginWhenThrottledAgainAfterTheIntervalThenAuditedAgain() {
        for (int i = 0; i < 10; i++) {
            login("alice", "wrong password");
            node.clock.advance(Duration.ofSeconds(30));
        }
        long before = auditLog().stream().filter(e -> "throttled".equals(e.detail())).count();

        login("alice", PASSWORD);
        login("alice", PASSWORD);
        node.clock.advance(AdminAccounts.THROTTLE_AUDIT_INTERVAL);
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Throttled.class);

        assertThat(auditLog().stream().filter(e -> "throttled".equals(e.detail())).count()).isEqualTo(before + 2);
    }

    @Test
    void loginWhenAddressThrottledThenOneAuditedEventHoweverManyUsernamesAreTried() {
        for (int i = 0; i < 7; i++) {
            login("user" + i, "wrong password");
        }
        int before = auditLog().size();

        for (int i = 0; i < 20; i++) {
            assertThat(login("guess" + i, "wrong password")).isInstanceOf(LoginResult.Throttled.class);
        }

        assertThat(auditLog()).hasSize(before + 1);
        assertThat(auditLog().getFirst().detail()).isEqualTo("throttled");
    }

    @Test
    void printableUsernameWhenMixedCharactersThenPrintableTextKeptAndTheRestReplaced() {
        assertThat(AdminAccounts.printableUsername(null)).isEmpty();
        assertThat(AdminAccounts.printableUsername("Zoë Müller @ acme")).isEqualTo("Zoë Müller @ acme");
        assertThat(AdminAccounts.printableUsername("a\tb\r\nc\u2028d\u200Ee")).isEqualTo(
                "a\uFFFDb\uFFFD\uFFFDc\uFFFDd\uFFFDe");
        assertThat(AdminAccounts.printableUsername("\uD83D\uDE00".repeat(40))).hasSize(64);
    }

    // TOTP enrollment

    @Test
    void beginTotpEnrollmentWhenCalledThenAFreshSecretAndNothingStored() {
        String first = accounts.beginTotpEnrollment();
        String second = accounts.beginTotpEnrollment();

        assertThat(first).matches("[A-Z2-7]{32}").isNotEqualTo(second);
        assertThat(store.admins().find(TENANT, alice.id())).contains(alice);
        assertThat(auditLog()).isEmpty();
    }

    @Test
    void enrollTotpWhenCodeRightThenStoredAuditedAndSignInAsksForTheCode() {
        LoginResult.Success session = loginAlice();
        String secret = accounts.beginTotpEnrollment();

        Admin enrolled = accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), secret,
                currentCode(secret, node.clock.instant()));

        assertThat(enrolled.totpSecret()).isEqualTo(secret);
        assertThat(enrolled.updatedAt()).isEqualTo(node.clock.instant());
        assertThat(store.admins().find(TENANT, alice.id())).contains(enrolled);
        AuditEvent event = auditLog().getFirst();
        assertThat(event.action()).isEqualTo("admin.totp_enroll");
        assertThat(event.actorId()).isEqualTo(alice.id());
        assertThat(event.target()).isEqualTo(alice.id());
        assertThat(event.address()).isEqualTo(ADDRESS);
        assertThat(event.before()).contains("\"totp_enrolled\":false");
        assertThat(event.after()).contains("\"totp_enrolled\":true");
        assertThat(everything(event)).doesNotContain(secret);
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.SecondFactorRequired.class);
    }

    @Test
    void enrollTotpWhenCodeUsedThenTheCodeIsSpentAndCannotAlsoSignIn() {
        // RFC 6238 §5.2: the code typed to enrol was seen once; a second use is a replay.
        LoginResult.Success session = loginAlice();
        String secret = accounts.beginTotpEnrollment();
        String code = currentCode(secret, node.clock.instant());
        accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), secret, code);

        assertThat(accounts.login(TENANT, "alice", PASSWORD.toCharArray(), code, ADDRESS, null))
                .isInstanceOf(LoginResult.Refused.class);
        node.clock.advance(Duration.ofSeconds(30));
        assertThat(accounts.login(TENANT, "alice", PASSWORD.toCharArray(), currentCode(secret, node.clock.instant()),
                ADDRESS, null)).isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void enrollTotpWhenSecretInGroupsAndLowerCaseThenAcceptedAndStoredCanonical() {
        LoginResult.Success session = loginAlice();
        String secret = accounts.beginTotpEnrollment();
        String grouped = String.join(" ", secret.toLowerCase(java.util.Locale.ROOT).split("(?<=\\G.{4})"));

        Admin enrolled = accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), grouped, currentCode(secret,
                node.clock.instant()));

        assertThat(enrolled.totpSecret()).isEqualTo(secret);
    }

    @Test
    void enrollTotpWhenPasswordWrongThenInvalidCountedAndNothingStored() {
        LoginResult.Success session = loginAlice();
        String secret = accounts.beginTotpEnrollment();
        int before = auditLog().size();

        assertThatThrownBy(() -> accounts.enrollTotp(session.authenticated(), "wrong password".toCharArray(), secret,
                currentCode(secret, node.clock.instant())))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("current password is wrong");

        assertThat(store.admins().find(TENANT, alice.id())).contains(alice);
        assertThat(auditLog()).hasSize(before);
    }

    @Test
    void enrollTotpWhenCodeWrongThenInvalidAndNothingStored() {
        LoginResult.Success session = loginAlice();
        String secret = accounts.beginTotpEnrollment();
        int before = auditLog().size();

        for (String wrong : java.util.Arrays.asList(currentCode(secret, node.clock.instant().plusSeconds(600)),
                "", null, "12345", "abcdef")) {
            assertThatThrownBy(() -> accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), secret, wrong))
                    .isInstanceOf(AdminFailure.Invalid.class).hasMessageStartingWith("code is wrong");
        }
        assertThat(store.admins().find(TENANT, alice.id())).contains(alice);
        assertThat(auditLog()).hasSize(before);
    }

    @Test
    void enrollTotpWhenSecretMalformedOrWeakThenInvalid() {
        LoginResult.Success session = loginAlice();
        String weak = Totp.encodeBase32(new byte[15]);

        for (String secret : java.util.Arrays.asList(null, "", "not base32 !", weak, "A".repeat(200))) {
            assertThatThrownBy(() -> accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), secret, "123456"))
                    .as(String.valueOf(secret))
                    .isInstanceOf(AdminFailure.Invalid.class)
                    .hasMessage("secret must be base32 of 128 to 512 bits");
        }
        assertThat(store.admins().find(TENANT, alice.id())).contains(alice);
    }

    @Test
    void enrollTotpWhenEnrolledAlreadyThenConflictAndTheFirstSecretStays() {
        String first = Totp.generateSecret();
        Admin carol = addAdmin(TENANT, "carol", first);
        LoginResult.Success session = (LoginResult.Success) accounts.login(TENANT, "carol", PASSWORD.toCharArray(),
                currentCode(first, node.clock.instant()), ADDRESS, null);
        String second = accounts.beginTotpEnrollment();

        assertThatThrownBy(() -> accounts.enrollTotp(session.authenticated(), PASSWORD.toCharArray(), second,
                currentCode(second, node.clock.instant())))
                .isInstanceOf(AdminFailure.Conflict.class);
        assertThat(store.admins().find(TENANT, carol.id()).orElseThrow().totpSecret()).isEqualTo(first);
    }

    @Test
    void disableTotpWhenPasswordRightThenRemovedAuditedAndSignInNeedsNoCode() {
        String secret = Totp.generateSecret();
        Admin carol = addAdmin(TENANT, "carol", secret);
        LoginResult.Success session = (LoginResult.Success) accounts.login(TENANT, "carol", PASSWORD.toCharArray(),
                currentCode(secret, node.clock.instant()), ADDRESS, null);

        Admin disabled = accounts.disableTotp(session.authenticated(), PASSWORD.toCharArray());

        assertThat(disabled.totpSecret()).isNull();
        assertThat(store.admins().find(TENANT, carol.id())).contains(disabled);
        AuditEvent event = auditLog().getFirst();
        assertThat(event.action()).isEqualTo("admin.totp_disable");
        assertThat(event.actorId()).isEqualTo(carol.id());
        assertThat(event.before()).contains("\"totp_enrolled\":true");
        assertThat(event.after()).contains("\"totp_enrolled\":false");
        assertThat(everything(event)).doesNotContain(secret).doesNotContain(PASSWORD);
        assertThat(login("carol", PASSWORD)).isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void disableTotpWhenPasswordWrongThenInvalidCountedAndNothingChanges() {
        String secret = Totp.generateSecret();
        Admin carol = addAdmin(TENANT, "carol", secret);
        LoginResult.Success session = (LoginResult.Success) accounts.login(TENANT, "carol", PASSWORD.toCharArray(),
                currentCode(secret, node.clock.instant()), ADDRESS, null);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> accounts.disableTotp(session.authenticated(), "wrong password".toCharArray()))
                    .isInstanceOf(AdminFailure.Invalid.class).hasMessage("current password is wrong");
        }
        assertThatThrownBy(() -> accounts.disableTotp(session.authenticated(), PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(AdminFailure.Throttled.class,
                        throttled -> assertThat(throttled.retryAfter()).isPositive())
                .hasMessageStartingWith("too many wrong passwords");

        assertThat(store.admins().find(TENANT, carol.id())).contains(carol);
        assertThat(audited("admin.totp_disable")).isEmpty();
    }

    @Test
    void disableTotpWhenNoneEnrolledThenConflict() {
        LoginResult.Success session = loginAlice();

        assertThatThrownBy(() -> accounts.disableTotp(session.authenticated(), PASSWORD.toCharArray()))
                .isInstanceOf(AdminFailure.Conflict.class).hasMessage("no second factor is enrolled");
    }

    // resolve

    @Test
    void resolveWhenSessionLiveThenTheAdminAndSession() {
        LoginResult.Success success = loginAlice();

        assertThat(accounts.resolve(success.sessionId())).contains(success.authenticated());
    }

    @Test
    void resolveWhenSessionIdUnknownOrMalformedThenEmpty() {
        loginAlice();

        assertThat(accounts.resolve(null)).isEmpty();
        assertThat(accounts.resolve("")).isEmpty();
        assertThat(accounts.resolve("no-such-session")).isEmpty();
        assertThat(accounts.resolve("x".repeat(10_000))).isEmpty();
    }

    @Test
    void resolveWhenGivenTheStoredHashInsteadOfTheIdThenEmpty() {
        LoginResult.Success success = loginAlice();

        assertThat(accounts.resolve(success.authenticated().session().idHash())).isEmpty();
    }

    @Test
    void resolveWhenIdleTimeoutPassedThenEmptyAndTheSessionDeleted() {
        LoginResult.Success success = loginAlice();
        node.clock.advance(Duration.ofMinutes(30));

        assertThat(accounts.resolve(success.sessionId())).isEmpty();
        assertThat(store.adminSessions().find(success.authenticated().session().idHash())).isEmpty();
    }

    @Test
    void resolveWhenActiveThenTheIdleTimeoutMovesOn() {
        LoginResult.Success success = loginAlice();
        for (int i = 0; i < 4; i++) {
            node.clock.advance(Duration.ofMinutes(20));
            assertThat(accounts.resolve(success.sessionId())).isPresent();
        }
    }

    @Test
    void resolveWhenAbsoluteTimeoutPassedThenEmptyEvenIfActive() {
        LoginResult.Success success = loginAlice();
        for (int i = 0; i < 47; i++) {
            node.clock.advance(Duration.ofMinutes(15));
            assertThat(accounts.resolve(success.sessionId())).as("after %d min", (i + 1) * 15).isPresent();
        }
        node.clock.advance(Duration.ofMinutes(15));

        assertThat(accounts.resolve(success.sessionId())).isEmpty();
        assertThat(store.adminSessions().find(success.authenticated().session().idHash())).isEmpty();
    }

    @Test
    void resolveWhenCalledRepeatedlyThenActivityRecordedAtMostOncePerMinute() {
        LoginResult.Success success = loginAlice();
        String idHash = success.authenticated().session().idHash();
        Instant login = node.clock.instant();

        node.clock.advance(Duration.ofSeconds(59));
        accounts.resolve(success.sessionId());
        assertThat(store.adminSessions().find(idHash).orElseThrow().lastSeenAt()).isEqualTo(login);

        node.clock.advance(Duration.ofSeconds(1));
        Authenticated resolved = accounts.resolve(success.sessionId()).orElseThrow();
        assertThat(store.adminSessions().find(idHash).orElseThrow().lastSeenAt()).isEqualTo(node.clock.instant());
        assertThat(resolved.session().lastSeenAt()).isEqualTo(node.clock.instant());
    }

    @Test
    void resolveWhenAdminDeletedThenEmpty() {
        LoginResult.Success success = loginAlice();

        store.admins().delete(TENANT, alice.id());

        assertThat(accounts.resolve(success.sessionId())).isEmpty();
    }

    @Test
    void resolveWhenTheAdminChangedThenTheAdminAsStoredNow() {
        LoginResult.Success success = loginAlice();
        Admin demoted = alice.withRole(AdminRole.ADDITIONAL_ADMIN, Set.of(Capability.VIEW_AUDIT),
                node.clock.instant());
        store.admins().update(demoted);

        assertThat(accounts.resolve(success.sessionId()).orElseThrow().admin().effectiveCapabilities())
                .containsExactly(Capability.VIEW_AUDIT);
    }

    // logout

    @Test
    void logoutWhenSignedInThenTheSessionEnds() {
        LoginResult.Success success = loginAlice();

        accounts.logout(success.sessionId());

        assertThat(accounts.resolve(success.sessionId())).isEmpty();
    }

    @Test
    void logoutWhenNoOrUnknownSessionThenNothingHappens() {
        LoginResult.Success success = loginAlice();

        accounts.logout(null);
        accounts.logout("");
        accounts.logout("unknown");

        assertThat(accounts.resolve(success.sessionId())).isPresent();
    }

    // changePassword

    @Test
    void changePasswordWhenCurrentRightThenNewPasswordWorksOldDoesNotAndEverySessionIsReplaced() {
        LoginResult.Success here = loginAlice();
        LoginResult.Success elsewhere = loginAlice();

        LoginResult.Success renewed = accounts.changePassword(here.authenticated(), PASSWORD.toCharArray(),
                "a much better passphrase".toCharArray());

        assertThat(accounts.resolve(here.sessionId())).isEmpty();
        assertThat(accounts.resolve(elsewhere.sessionId())).isEmpty();
        assertThat(accounts.resolve(renewed.sessionId())).contains(renewed.authenticated());
        assertThat(renewed.sessionId()).isNotIn(here.sessionId(), elsewhere.sessionId());
        assertThat(renewed.authenticated().session().address()).isEqualTo(ADDRESS);
        assertThat(login("alice", PASSWORD)).isInstanceOf(LoginResult.Refused.class);
        assertThat(login("alice", "a much better passphrase")).isInstanceOf(LoginResult.Success.class);
    }

    @Test
    void changePasswordWhenMustChangePasswordThenItIsCleared() {
        TenantId fresh = TenantId.of("10003");
        node.tenants.create(fresh, "Fresh", TenantSettings.DEFAULTS);
        AdminAccounts.AdminWithPassword bootstrapped = accounts.bootstrap(fresh).orElseThrow();
        LoginResult.Success first = (LoginResult.Success) accounts.login(fresh, "admin",
                bootstrapped.password().toCharArray(), null, ADDRESS, null);

        LoginResult.Success renewed = accounts.changePassword(first.authenticated(),
                bootstrapped.password().toCharArray(), "a much better passphrase".toCharArray());

        assertThat(renewed.authenticated().admin().mustChangePassword()).isFalse();
        assertThat(store.admins().find(fresh, bootstrapped.admin().id()).orElseThrow().mustChangePassword()).isFalse();
    }

    @Test
    void changePasswordWhenCurrentWrongThenInvalidAndNothingChanges() {
        LoginResult.Success here = loginAlice();

        assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), "wrong password".toCharArray(),
                "a much better passphrase".toCharArray()))
                .isInstanceOf(AdminFailure.Invalid.class).hasMessage("current password is wrong");
        assertThat(accounts.resolve(here.sessionId())).isPresent();
        assertThat(store.admins().find(TENANT, alice.id())).contains(alice);
    }

    @Test
    void changePasswordWhenCurrentWrongTooOftenThenRefusedEvenWithTheRightOne() {
        LoginResult.Success here = loginAlice();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), "wrong password".toCharArray(),
                    "a much better passphrase".toCharArray())).hasMessage("current password is wrong");
        }

        assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), PASSWORD.toCharArray(),
                "a much better passphrase".toCharArray()))
                .isInstanceOf(AdminFailure.Throttled.class).hasMessageStartingWith("too many wrong passwords");
    }

    @Test
    void changePasswordWhenNewShorterThanTwelveThenInvalid() {
        LoginResult.Success here = loginAlice();

        assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), PASSWORD.toCharArray(),
                "elevenchars".toCharArray()))
                .isInstanceOf(AdminFailure.Invalid.class)
                .hasMessage("new password must be at least 12 characters");
    }

    @Test
    void changePasswordWhenNewEqualsCurrentThenInvalid() {
        LoginResult.Success here = loginAlice();

        assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), PASSWORD.toCharArray(),
                PASSWORD.toCharArray()))
                .isInstanceOf(AdminFailure.Invalid.class)
                .hasMessage("new password must differ from the current one");
    }

    @Test
    void changePasswordWhenAdminDeletedThenNotFound() {
        LoginResult.Success here = loginAlice();
        store.admins().delete(TENANT, alice.id());

        assertThatThrownBy(() -> accounts.changePassword(here.authenticated(), PASSWORD.toCharArray(),
                "a much better passphrase".toCharArray())).isInstanceOf(AdminFailure.NotFound.class);
    }

    @Test
    void hashSessionIdWhenCalledThenBase64UrlOfSha256() {
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad
        assertThat(AdminAccounts.hashSessionId("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    @Test
    void settingsWhenTimeoutNotPositiveThenRefused() {
        assertThatThrownBy(() -> new AdminAccounts.Settings(Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Optional.of(AdminAccounts.Settings.DEFAULTS))
                .contains(new AdminAccounts.Settings(Duration.ofMinutes(30), Duration.ofHours(12)));
    }
}
