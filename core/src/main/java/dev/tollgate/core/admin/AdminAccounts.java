package dev.tollgate.core.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tollgate.core.abuse.FailureLimiter;
import dev.tollgate.core.audit.AuditEvent;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Console login and sessions: password (and optional TOTP) checks slowed per account and per
 * address (a browser that signed in as the admin before, a known device, per device instead of
 * per account: {@link DeviceTokens}), server-side sessions with idle and absolute timeouts, a
 * fresh session id at every login (so a fixed id planted before login is worth nothing), and a
 * CSRF token per session. Every
 * sign-in is audited here, accepted ({@code admin.login}) or not ({@code admin.login_failed}), as
 * is an admin's own second factor ({@code admin.totp_enroll}, {@code admin.totp_disable}).
 *
 * <pre>{@code
 * switch (accounts.login(tenant, username, password, totp, address, cookieOrNull, deviceCookieOrNull)) {
 *     case LoginResult.Success s -> setCookies(s.sessionId(), s.deviceToken());
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
            // Under a minute, a session would end while its admin is still reading the page.
            List<String> problems = new java.util.ArrayList<>();
            if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
                problems.add("idleTimeout: must be at least 1m");
            }
            if (absoluteTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
                problems.add("absoluteTimeout: must be at least 1m");
            }
            if (problems.isEmpty() && idleTimeout.compareTo(absoluteTimeout) > 0) {
                problems.add("idleTimeout: must not exceed absoluteTimeout");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
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
        /**
         * {@code sessionId} is the cookie value: returned here once, stored only as a hash.
         * {@code deviceToken}, after a sign-in, marks the browser as a known device of the admin
         * ({@link DeviceTokens}); null when there is nothing new to remember (a password change).
         */
        record Success(Authenticated authenticated, String sessionId, String deviceToken) implements LoginResult {
        }

        /** Wrong username, password or second factor: one answer for all, so none is confirmed. */
        record Refused() implements LoginResult {
        }

        /** Too many failures for this account or address (or, for a known device, for that device). */
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
    /** An attempted username as the audit log shows it: as long as a valid one can be. */
    static final int MAX_AUDITED_USERNAME = 64;
    /**
     * A throttled sign-in is audited once per blocked account or address in this time. Each one
     * costs a database write, and throttled requests are the ones an attacker can send without
     * limit; the first of a burst says what happened, the rest would only fill the log.
     */
    static final Duration THROTTLE_AUDIT_INTERVAL = Duration.ofMinutes(1);
    /** RFC 4226 §4 R6: a shared secret of at least 128 bits; more than 512 is no TOTP secret anyone made. */
    private static final int MIN_TOTP_SECRET_BYTES = 16;
    private static final int MAX_TOTP_SECRET_BYTES = 64;

    // The detail of an admin.login_failed event.
    static final String WRONG_CREDENTIALS = "wrong_credentials";
    static final String SECOND_FACTOR_WRONG = "second_factor_wrong";
    static final String THROTTLED = "throttled";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final PasswordHasher hasher;
    private final FailureLimiter perAccount;
    private final FailureLimiter perAddress;
    private final DeviceTokens devices;
    private final FailureLimiter perDevice;
    private final Settings settings;
    private final Clock clock;
    /** An encoding no password matches, verified for unknown usernames so they cost as much as known ones. */
    private final AtomicReference<String> dummyHash = new AtomicReference<>();
    /** Blocked limiter keys whose throttled sign-in was audited within {@link #THROTTLE_AUDIT_INTERVAL}. */
    private final Cache<String, Boolean> auditedThrottles;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    /** With a device key of its own (devices are forgotten at restart) and the default per-device limit. */
    public AdminAccounts(Store store, PasswordHasher hasher, FailureLimiter perAccount, FailureLimiter perAddress,
                         Settings settings, Clock clock) {
        this(store, hasher, perAccount, perAddress, new DeviceTokens(DeviceTokens.newKey(), clock),
                new FailureLimiter(FailureLimiter.Settings.loginDefaults(), clock), settings, clock);
    }

    /**
     * @param devices   signs and checks the known-device tokens (its key is the installation's)
     * @param perDevice failures of a known device, which the per-account limit does not hold back
     */
    public AdminAccounts(Store store, PasswordHasher hasher, FailureLimiter perAccount, FailureLimiter perAddress,
                         DeviceTokens devices, FailureLimiter perDevice, Settings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.perAccount = Objects.requireNonNull(perAccount, "perAccount");
        this.perAddress = Objects.requireNonNull(perAddress, "perAddress");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.perDevice = Objects.requireNonNull(perDevice, "perDevice");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.auditedThrottles = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(THROTTLE_AUDIT_INTERVAL)
                .ticker(() -> nanos(clock))
                .build();
    }

    /**
     * Creates the tenant's first admin, username {@code admin}, with a generated password that
     * must be changed at first login; empty when the tenant already has an admin.
     *
     * @throws AdminFailure.NotFound when the tenant does not exist
     */
    public Optional<AdminWithPassword> bootstrap(TenantId tenant) {
        String password = PasswordHasher.generatePassword();
        // Hashing is slow on purpose; done before the transaction so no connection waits for it.
        String hash = hasher.hash(password.toCharArray());
        try {
            return store.inTransaction(() -> {
                if (store.tenants().find(tenant).isEmpty()) {
                    throw new AdminFailure.NotFound("no tenant " + tenant);
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

    /** A sign-in from a browser that carries no known-device token. */
    public LoginResult login(TenantId tenant, String username, char[] password, String totpCode, String address,
                             String previousSessionId) {
        return login(tenant, username, password, totpCode, address, previousSessionId, null);
    }

    /**
     * @param previousSessionId the session cookie sent with the login form, if any: ended, never reused
     * @param deviceToken       the known-device cookie sent with the form, if any ({@link DeviceTokens})
     */
    public LoginResult login(TenantId tenant, String username, char[] password, String totpCode, String address,
                             String previousSessionId, String deviceToken) {
        String accountKey = accountKey(tenant, username);
        // One source is an IPv4 address or an IPv6 /64, as for client authentication: a host
        // owns its whole /64 and could otherwise hash a password per address.
        String addressKey = dev.tollgate.core.abuse.ClientAuthenticationGuard.sourceKey(address);
        // A device that signed in as the admin this username names (the HMAC is checked first, so
        // only a token we issued costs the lookup). Anyone can push the account's count by guessing
        // at a predictable username, so a known device is held back by its own count instead
        // (issue 11, point 5); its failures still count against the account and the address.
        Optional<DeviceTokens.Device> device = devices.verify(deviceToken).filter(d -> d.tenant().equals(tenant));
        Optional<Admin> named = device.isPresent() ? known(tenant, username) : null;
        String deviceKey = named != null && named.isPresent() && named.get().id().equals(device.get().adminId())
                ? "device/" + tenant.value() + '/' + device.get().deviceId() : null;
        // Checked before the password, so a throttled guess costs no hashing and reveals nothing.
        Duration wait = Duration.ZERO;
        String blocked = null;
        if (deviceKey != null) {
            FailureLimiter.Decision own = perDevice.check(deviceKey);
            if (!own.allowed()) {
                wait = own.retryAfter();
                blocked = deviceKey;
            }
        } else {
            FailureLimiter.Decision account = perAccount.check(accountKey);
            FailureLimiter.Decision origin = perAddress.check(addressKey);
            if (!account.allowed() || !origin.allowed()) {
                wait = account.retryAfter().compareTo(origin.retryAfter()) >= 0
                        ? account.retryAfter() : origin.retryAfter();
                blocked = account.allowed() ? "address/" + addressKey : "account/" + accountKey;
            }
        }
        if (blocked != null) {
            if (auditedThrottles.asMap().putIfAbsent(blocked, Boolean.TRUE) == null) {
                auditFailure(tenant, username, named != null ? named : known(tenant, username), address, THROTTLED);
            }
            return new LoginResult.Throttled(wait);
        }
        Instant now = clock.instant();
        pruneOccasionally(now);

        Optional<Admin> found = named != null ? named : known(tenant, username);
        boolean passwordRight;
        try {
            // An unknown username costs the same hash as a known one (through the same pool), so
            // response time does not tell which usernames exist.
            if (found.isPresent()) {
                passwordRight = hasher.verify(password, found.get().passwordHash());
            } else {
                hasher.verify(password, dummyHash());
                passwordRight = false;
            }
        } catch (AdminFailure.Throttled busy) {
            // Every hashing permit is taken (a flood, issue 11): nothing was checked, so nothing
            // is counted or audited, and the answer costs no hash.
            return new LoginResult.Throttled(busy.retryAfter());
        }
        if (!passwordRight) {
            return refuse(tenant, username, found, address, accountKey, addressKey, deviceKey, WRONG_CREDENTIALS);
        }
        Admin admin = found.get();
        if (admin.totpSecret() != null) {
            if (totpCode == null || totpCode.isBlank()) {
                return new LoginResult.SecondFactorRequired();
            }
            if (!acceptTotp(admin, admin.totpSecret(), totpCode, now)) {
                return refuse(tenant, username, found, address, accountKey, addressKey, deviceKey,
                        SECOND_FACTOR_WRONG);
            }
        }
        if (deviceKey != null) {
            // The account's count is left as it is: a guesser elsewhere must not get a fresh start
            // because the admin signed in from a known device.
            perDevice.recordSuccess(deviceKey);
        } else {
            perAccount.recordSuccess(accountKey);
        }
        String sessionId = newToken();
        // The record commits with the session: no session exists that the log does not show.
        AdminSession session = store.inTransaction(() -> {
            if (previousSessionId != null && !previousSessionId.isBlank()
                    && previousSessionId.length() <= MAX_SESSION_ID_LENGTH) {
                store.adminSessions().delete(hashSessionId(previousSessionId));
            }
            AdminSession opened = openSession(admin, sessionId, address, now);
            store.audit().append(List.of(AuditEvent.of(Actor.admin(admin, address), now,
                    AuditAction.ADMIN_LOGIN, null, admin.id(), null, null, null)));
            return opened;
        });
        return new LoginResult.Success(new Authenticated(admin, session), sessionId,
                devices.issue(tenant, admin.id(), device.orElse(null)));
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
     * @throws AdminFailure.Invalid   when the current password is wrong or the new one is too weak
     * @throws AdminFailure.Throttled after too many wrong passwords
     * @throws AdminFailure.NotFound        when the admin no longer exists
     */
    public LoginResult.Success changePassword(Authenticated who, char[] currentPassword, char[] newPassword) {
        Admin stored = current(who);
        String accountKey = checkPassword(stored, currentPassword);
        if (!PasswordHasher.isAcceptable(newPassword)) {
            throw AdminFailure.Invalid.of("new_password", "must be at least " + PasswordHasher.MIN_LENGTH
                    + " characters");
        }
        if (Arrays.equals(currentPassword, newPassword)) {
            throw AdminFailure.Invalid.of("new_password", "must differ from the current one");
        }
        perAccount.recordSuccess(accountKey);
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        String sessionId = newToken();
        Authenticated renewed = store.inTransaction(() -> {
            Admin updated = stored.withPassword(newHash, false, now);
            if (!store.admins().update(updated)) {
                throw new AdminFailure.NotFound("no admin " + stored.id());
            }
            // Every session ends, this one too: a session opened with the old password is worth nothing now.
            store.adminSessions().deleteForAdmin(updated.tenantId(), updated.id());
            return new Authenticated(updated, openSession(updated, sessionId, who.session().address(), now));
        });
        return new LoginResult.Success(renewed, sessionId, null);
    }

    /** A new RFC 6238 secret (base32) to show the admin for {@link #enrollTotp}; nothing is stored yet. */
    public String beginTotpEnrollment() {
        return Totp.generateSecret();
    }

    /**
     * Enrols the admin's own second factor after checking their password, so a session left open
     * cannot tie the account to someone else's phone. {@code code} must be right for {@code secret}
     * now, which shows their authenticator app holds the same secret. Sign-ins ask for a code from
     * then on. The code is spent: it will not also open a session (RFC 6238 §5.2).
     *
     * @param secret what {@link #beginTotpEnrollment} gave, in any case and spacing
     * @throws AdminFailure.Invalid  when the password is wrong (Throttled after too many), the secret
     *                               is not base32 of 128 to 512 bits, or the code is wrong
     * @throws AdminFailure.Conflict when a second factor is enrolled already: disabled first, with the password
     * @throws AdminFailure.NotFound        when the admin no longer exists
     */
    public Admin enrollTotp(Authenticated who, char[] currentPassword, String secret, String code) {
        String canonical = canonicalTotpSecret(secret);
        perAccount.recordSuccess(checkPassword(current(who), currentPassword));
        Instant now = clock.instant();
        return store.inTransaction(() -> {
            Admin before = current(who);
            if (before.totpSecret() != null) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE,
                        "a second factor is enrolled already; disable it first");
            }
            if (!acceptTotp(before, canonical, code, now)) {
                throw AdminFailure.Invalid.of("code", "is wrong: check the secret and the time on your device");
            }
            Admin after = before.withTotpSecret(canonical, now);
            update(after);
            audit(Actor.admin(after, who.session().address()), AuditAction.ADMIN_TOTP_ENROLL, before, after, now);
            return after;
        });
    }

    /**
     * Removes the admin's own second factor after checking their password, so a session left open
     * cannot take it away. Wrong passwords count as login failures, as in {@link #changePassword}.
     *
     * @throws AdminFailure.Invalid  when the password is wrong (Throttled after too many)
     * @throws AdminFailure.Conflict when no second factor is enrolled
     * @throws AdminFailure.NotFound        when the admin no longer exists
     */
    public Admin disableTotp(Authenticated who, char[] currentPassword) {
        Admin stored = current(who);
        if (stored.totpSecret() == null) {
            throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "no second factor is enrolled");
        }
        perAccount.recordSuccess(checkPassword(stored, currentPassword));
        Instant now = clock.instant();
        return store.inTransaction(() -> {
            Admin before = current(who);
            if (before.totpSecret() == null) {
                throw new AdminFailure.Conflict(AdminFailure.Conflict.Code.STATE, "no second factor is enrolled");
            }
            Admin after = before.withTotpSecret(null, now);
            update(after);
            audit(Actor.admin(after, who.session().address()), AuditAction.ADMIN_TOTP_DISABLE, before, after, now);
            return after;
        });
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

    /**
     * An attempted username as the audit log may show it: characters that are not printable
     * (controls, line breaks, bidirectional overrides, lone surrogates) become U+FFFD, and at most
     * {@link #MAX_AUDITED_USERNAME} UTF-16 units are kept, never half a pair. Anything may be typed
     * into a login form, and the log must not be made to show something else.
     */
    static String printableUsername(String attempted) {
        if (attempted == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(attempted.length(), MAX_AUDITED_USERNAME));
        for (int i = 0; i < attempted.length(); ) {
            int c = attempted.codePointAt(i);
            i += Character.charCount(c);
            int shown = isPrintable(c) ? c : '\uFFFD';
            if (out.length() + Character.charCount(shown) > MAX_AUDITED_USERNAME) {
                break;
            }
            out.appendCodePoint(shown);
        }
        return out.toString();
    }

    private static boolean isPrintable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private Optional<Admin> known(TenantId tenant, String username) {
        return Admin.isValidUsername(username) ? store.admins().findByUsername(tenant, username) : Optional.empty();
    }

    private LoginResult refuse(TenantId tenant, String username, Optional<Admin> found, String address,
                               String accountKey, String addressKey, String deviceKey, String reason) {
        perAccount.recordFailure(accountKey);
        perAddress.recordFailure(addressKey);
        if (deviceKey != null) {
            perDevice.recordFailure(deviceKey);
        }
        auditFailure(tenant, username, found, address, reason);
        return new LoginResult.Refused();
    }

    /**
     * An {@code admin.login_failed} event, in a transaction of its own: the actor is the admin the
     * username names, or the username itself when it names nobody. Never the password.
     */
    private void auditFailure(TenantId tenant, String username, Optional<Admin> found, String address,
                              String reason) {
        String name = printableUsername(username);
        Actor actor = new Actor(tenant, Actor.Kind.ADMIN, found.map(Admin::id).orElse(name), name, Set.of(), address);
        AuditEvent event = AuditEvent.of(actor, clock.instant(), AuditAction.ADMIN_LOGIN_FAILED, null,
                found.map(Admin::id).orElse(null), null, null, reason);
        store.inTransaction(() -> store.audit().append(List.of(event)));
    }

    private void audit(Actor actor, String action, Admin before, Admin after, Instant at) {
        store.audit().append(List.of(AuditEvent.of(actor, at, action, null, after.id(),
                AuditTrail.json(before), AuditTrail.json(after), null)));
    }

    /** The admin behind a session as stored now. */
    private Admin current(Authenticated who) {
        return store.admins().find(who.admin().tenantId(), who.admin().id())
                .orElseThrow(() -> new AdminFailure.NotFound("no admin " + who.admin().id()));
    }

    private void update(Admin admin) {
        if (!store.admins().update(admin)) {
            throw new AdminFailure.NotFound("no admin " + admin.id());
        }
    }

    /**
     * The admin's password, asked again before a change to their own account; failures count
     * against the account, so a stolen session cannot be used to guess the password quickly.
     *
     * @return the account's limiter key
     */
    private String checkPassword(Admin stored, char[] password) {
        String accountKey = accountKey(stored.tenantId(), stored.username());
        FailureLimiter.Decision decision = perAccount.check(accountKey);
        if (!decision.allowed()) {
            throw new AdminFailure.Throttled(decision.retryAfter(), "too many wrong passwords; try again later");
        }
        if (!hasher.verify(password, stored.passwordHash())) {
            perAccount.recordFailure(accountKey);
            throw AdminFailure.Invalid.of("current_password", "is wrong");
        }
        return accountKey;
    }

    private static String canonicalTotpSecret(String secret) {
        byte[] key;
        try {
            key = secret == null ? new byte[0] : Totp.decodeBase32(secret);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length < MIN_TOTP_SECRET_BYTES || key.length > MAX_TOTP_SECRET_BYTES) {
            throw AdminFailure.Invalid.of("secret", "must be base32 of " + MIN_TOTP_SECRET_BYTES * 8 + " to "
                    + MAX_TOTP_SECRET_BYTES * 8 + " bits");
        }
        return Totp.encodeBase32(key);
    }

    /**
     * RFC 6238 §5.2: a code is accepted once. The last accepted step is kept in the store, so a code
     * is not accepted again after a restart or by another node, and of two uses at once only one wins.
     */
    private boolean acceptTotp(Admin admin, String secret, String code, Instant now) {
        OptionalLong step = Totp.matchingStep(secret, code, now);
        return step.isPresent() && store.admins().recordTotpStep(admin.tenantId(), admin.id(), step.getAsLong());
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
            // Made without hashing: a flood's first unknown username must not wait for a permit.
            hash = hasher.unmatchable();
            dummyHash.compareAndSet(null, hash);
        }
        return hash;
    }

    private static long nanos(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
