package dev.tollgate.core.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.store.DuplicateException;
import dev.tollgate.core.store.Store;
import dev.tollgate.core.tenant.TenantId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Console login and sessions: password (and optional TOTP) checks slowed per account and per
 * address, server-side sessions with idle and absolute timeouts, a fresh session id at every login
 * (so a fixed id planted before login is worth nothing), and a CSRF token per session.
 *
 * <pre>{@code
 * switch (accounts.login(tenant, username, password, totp, address, cookieOrNull)) {
 *     case LoginResult.Success s -> setCookie(s.sessionId());
 *     case LoginResult.SecondFactorRequired r -> askForCode();
 *     case LoginResult.Throttled t -> answer429(t.retryAfter());
 *     case LoginResult.Refused r -> answer("wrong username or password");
 * }
 * Optional<Authenticated> who = accounts.resolve(cookie);   // on every request
 * }</pre>
 */
public final class AdminAccounts {

    public record Settings(Duration idleTimeout, Duration absoluteTimeout) {
        public static final Settings DEFAULTS = new Settings(Duration.ofMinutes(30), Duration.ofHours(12));

        public Settings {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero() || absoluteTimeout.isNegative()
                    || absoluteTimeout.isZero()) {
                throw new IllegalArgumentException("session timeouts must be positive");
            }
        }
    }

    /** An admin with the password generated for them, shown once. */
    public record AdminWithPassword(Admin admin, String password) {
    }

    /** A live session: the admin as stored now, and the session (with its CSRF token). */
    public record Authenticated(Admin admin, AdminSession session) {
    }

    public sealed interface LoginResult {
        /** {@code sessionId} is the cookie value: returned here once, stored only as a hash. */
        record Success(Authenticated authenticated, String sessionId) implements LoginResult {
        }

        /** Wrong username, password or second factor: one answer for all, so none is confirmed. */
        record Refused() implements LoginResult {
        }

        /** Too many failures for this account or address. */
        record Throttled(Duration retryAfter) implements LoginResult {
        }

        /** Password right, TOTP enrolled and no (or an empty) code given: ask for it. */
        record SecondFactorRequired() implements LoginResult {
        }
    }

    /** The username of the admin {@link #bootstrap} creates. */
    public static final String BOOTSTRAP_USERNAME = "admin";

    /** A session's activity is written at most this often; the idle timeout is that much less exact. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    /** Expired sessions are swept at most this often, by a login. */
    static final Duration PRUNE_INTERVAL = Duration.ofMinutes(10);
    private static final int TOKEN_BYTES = 32;
    /** A cookie longer than this is not one of ours; refused before hashing. */
    private static final int MAX_SESSION_ID_LENGTH = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final PasswordHasher hasher;
    private final FailureLimiter perAccount;
    private final FailureLimiter perAddress;
    private final Settings settings;
    private final Clock clock;
    /** A hash of a random password, verified for unknown usernames so they cost as much as known ones. */
    private final AtomicReference<String> dummyHash = new AtomicReference<>();
    /** RFC 6238 §5.2: the last TOTP step accepted per admin, so a code seen once is not accepted again. */
    private final Cache<String, Long> usedTotpSteps;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public AdminAccounts(Store store, PasswordHasher hasher, FailureLimiter perAccount, FailureLimiter perAddress,
                         Settings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.perAccount = Objects.requireNonNull(perAccount, "perAccount");
        this.perAddress = Objects.requireNonNull(perAddress, "perAddress");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        // A step is accepted up to one step late, so a used step matters for about 90 s.
        this.usedTotpSteps = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(Duration.ofSeconds(Totp.STEP_SECONDS * (2L * Totp.WINDOW + 2)))
                .ticker(() -> {
                    Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                })
                .build();
    }

    /**
     * Creates the tenant's first admin, username {@code admin}, with a generated password that
     * must be changed at first login; empty when the tenant already has an admin.
     *
     * @throws NotFoundException when the tenant does not exist
     */
    public Optional<AdminWithPassword> bootstrap(TenantId tenant) {
        String password = PasswordHasher.generatePassword();
        // Hashing is slow on purpose; done before the transaction so no connection waits for it.
        String hash = hasher.hash(password.toCharArray());
        try {
            return store.inTransaction(() -> {
                if (store.tenants().find(tenant).isEmpty()) {
                    throw new NotFoundException("no tenant " + tenant);
                }
                if (!store.admins().list(tenant).isEmpty()) {
                    return Optional.<AdminWithPassword>empty();
                }
                Instant now = clock.instant();
                Admin admin = new Admin(UUID.randomUUID().toString(), tenant, BOOTSTRAP_USERNAME, AdminRole.ADMIN,
                        null, hash, true, null, now, now);
                store.admins().insert(admin);
                return Optional.of(new AdminWithPassword(admin, password));
            });
        } catch (DuplicateException e) {
            // Another node bootstrapped the same tenant a moment ago.
            return Optional.empty();
        }
    }

    /** @param previousSessionId the session cookie sent with the login form, if any: ended, never reused */
    public LoginResult login(TenantId tenant, String username, char[] password, String totpCode, String address,
                             String previousSessionId) {
        String accountKey = accountKey(tenant, username);
        String addressKey = address == null ? "" : address;
        // Checked before the password, so a throttled guess costs no hashing and reveals nothing.
        FailureLimiter.Decision account = perAccount.check(accountKey);
        FailureLimiter.Decision origin = perAddress.check(addressKey);
        if (!account.allowed() || !origin.allowed()) {
            Duration wait = account.retryAfter().compareTo(origin.retryAfter()) >= 0
                    ? account.retryAfter() : origin.retryAfter();
            return new LoginResult.Throttled(wait);
        }
        Instant now = clock.instant();
        pruneOccasionally(now);

        Optional<Admin> found = Admin.isValidUsername(username)
                ? store.admins().findByUsername(tenant, username) : Optional.empty();
        if (found.isEmpty()) {
            // The same work as for a known username, so response time does not tell which usernames exist.
            hasher.verify(password, dummyHash());
            return refuse(accountKey, addressKey);
        }
        Admin admin = found.get();
        if (!hasher.verify(password, admin.passwordHash())) {
            return refuse(accountKey, addressKey);
        }
        if (admin.totpSecret() != null) {
            if (totpCode == null || totpCode.isBlank()) {
                return new LoginResult.SecondFactorRequired();
            }
            if (!acceptTotp(admin, totpCode, now)) {
                return refuse(accountKey, addressKey);
            }
        }
        perAccount.recordSuccess(accountKey);
        String sessionId = newToken();
        AdminSession session = store.inTransaction(() -> {
            if (previousSessionId != null && !previousSessionId.isBlank()
                    && previousSessionId.length() <= MAX_SESSION_ID_LENGTH) {
                store.adminSessions().delete(hashSessionId(previousSessionId));
            }
            return openSession(admin, sessionId, address, now);
        });
        return new LoginResult.Success(new Authenticated(admin, session), sessionId);
    }

    /** The session behind a cookie value if it exists and has not timed out; records the activity. */
    public Optional<Authenticated> resolve(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > MAX_SESSION_ID_LENGTH) {
            return Optional.empty();
        }
        String idHash = hashSessionId(sessionId);
        Optional<AdminSession> found = store.adminSessions().find(idHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AdminSession session = found.get();
        Instant now = clock.instant();
        if (isExpired(session, now)) {
            store.adminSessions().delete(idHash);
            return Optional.empty();
        }
        Optional<Admin> admin = store.admins().find(session.tenantId(), session.adminId());
        if (admin.isEmpty()) {
            store.adminSessions().delete(idHash);
            return Optional.empty();
        }
        // Writing every request's time would make every console page a database write; a minute is precise enough.
        if (!now.isBefore(session.lastSeenAt().plus(TOUCH_INTERVAL))) {
            store.adminSessions().touch(idHash, now);
            session = new AdminSession(session.idHash(), session.tenantId(), session.adminId(), session.csrfToken(),
                    session.address(), session.createdAt(), now);
        }
        return Optional.of(new Authenticated(admin.get(), session));
    }

    public void logout(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > MAX_SESSION_ID_LENGTH) {
            return;
        }
        store.adminSessions().delete(hashSessionId(sessionId));
    }

    /**
     * Changes the admin's own password after checking the current one; ends every other session of
     * theirs and returns a new session in place of this one. Wrong current passwords count as login
     * failures of the account, so a stolen session cannot be used to guess the password quickly.
     *
     * @throws IllegalArgumentException when the current password is wrong or the new one is too weak
     * @throws NotFoundException        when the admin no longer exists
     */
    public LoginResult.Success changePassword(Authenticated who, char[] currentPassword, char[] newPassword) {
        Admin stored = store.admins().find(who.admin().tenantId(), who.admin().id())
                .orElseThrow(() -> new NotFoundException("no admin " + who.admin().id()));
        String accountKey = accountKey(stored.tenantId(), stored.username());
        FailureLimiter.Decision decision = perAccount.check(accountKey);
        if (!decision.allowed()) {
            throw new IllegalArgumentException("too many wrong passwords: try again in "
                    + Math.max(1, decision.retryAfter().toSeconds()) + " s");
        }
        if (!hasher.verify(currentPassword, stored.passwordHash())) {
            perAccount.recordFailure(accountKey);
            throw new IllegalArgumentException("current password is wrong");
        }
        if (!PasswordHasher.isAcceptable(newPassword)) {
            throw new IllegalArgumentException("new password must be at least " + PasswordHasher.MIN_LENGTH
                    + " characters");
        }
        if (Arrays.equals(currentPassword, newPassword)) {
            throw new IllegalArgumentException("new password must differ from the current one");
        }
        perAccount.recordSuccess(accountKey);
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        String sessionId = newToken();
        Authenticated renewed = store.inTransaction(() -> {
            Admin updated = stored.withPassword(newHash, false, now);
            if (!store.admins().update(updated)) {
                throw new NotFoundException("no admin " + stored.id());
            }
            // Every session ends, this one too: a session opened with the old password is worth nothing now.
            store.adminSessions().deleteForAdmin(updated.tenantId(), updated.id());
            return new Authenticated(updated, openSession(updated, sessionId, who.session().address(), now));
        });
        return new LoginResult.Success(renewed, sessionId);
    }

    /** base64url (no padding) of SHA-256 of the cookie value: what {@link AdminSession#idHash()} holds. */
    public static String hashSessionId(String sessionId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The limiter key of an account: usernames differing only in case share one counter. */
    static String accountKey(TenantId tenant, String username) {
        return tenant.value() + "/" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
    }

    private LoginResult refuse(String accountKey, String addressKey) {
        perAccount.recordFailure(accountKey);
        perAddress.recordFailure(addressKey);
        return new LoginResult.Refused();
    }

    private boolean acceptTotp(Admin admin, String code, Instant now) {
        OptionalLong step = Totp.matchingStep(admin.totpSecret(), code, now);
        if (step.isEmpty()) {
            return false;
        }
        boolean[] fresh = {false};
        usedTotpSteps.asMap().compute(admin.id(), (id, last) -> {
            if (last != null && last >= step.getAsLong()) {
                return last;
            }
            fresh[0] = true;
            return step.getAsLong();
        });
        return fresh[0];
    }

    private AdminSession openSession(Admin admin, String sessionId, String address, Instant now) {
        AdminSession session = new AdminSession(hashSessionId(sessionId), admin.tenantId(), admin.id(), newToken(),
                address, now, now);
        store.adminSessions().insert(session);
        return session;
    }

    private boolean isExpired(AdminSession session, Instant now) {
        return !now.isBefore(session.lastSeenAt().plus(settings.idleTimeout()))
                || !now.isBefore(session.createdAt().plus(settings.absoluteTimeout()));
    }

    private void pruneOccasionally(Instant now) {
        Instant due = nextPrune.get();
        if (now.isBefore(due) || !nextPrune.compareAndSet(due, now.plus(PRUNE_INTERVAL))) {
            return;
        }
        store.adminSessions().deleteExpired(now.minus(settings.idleTimeout()), now.minus(settings.absoluteTimeout()));
    }

    private String dummyHash() {
        String hash = dummyHash.get();
        if (hash == null) {
            hash = hasher.hash(PasswordHasher.generatePassword().toCharArray());
            dummyHash.compareAndSet(null, hash);
        }
        return hash;
    }

    private static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
