package dev.tollgate.server.console;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AuditAction;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.PasswordHasher;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.admin.DeviceCookie;
import dev.tollgate.server.admin.SessionCookie;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.server.http.RetryAfter;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * Sign-in and the signed-in admin's own account: the console's entry ({@code /console} sends an
 * admin to the first section they may use, anyone else to the login form), login and logout, and
 * changing one's password (forced after a generated one). Sessions and passwords are
 * {@link AdminAccounts}'; this class only draws the forms and says where the browser goes next.
 */
final class AccountPages {

    static final String LOGIN = "/console/login";
    static final String PASSWORD = "/console/password";

    private static final String REFUSED_LOGIN = "Sign-in failed. Check the tenant, username, password and code.";

    private final AdminAccounts accounts;
    private final AdminOperations operations;
    private final Views views;
    private final Clock clock;
    private final TenantId defaultTenant;
    private final boolean secureCookies;

    /** @param secureCookies mark the session cookie {@code Secure}: the console is served over TLS */
    AccountPages(AdminAccounts accounts, AdminOperations operations, Views views, Clock clock,
                 TenantId defaultTenant, boolean secureCookies) {
        this.accounts = accounts;
        this.operations = operations;
        this.views = views;
        this.clock = clock;
        this.defaultTenant = defaultTenant;
        this.secureCookies = secureCookies;
    }

    void root(ServerRequest req, ServerResponse res) {
        Optional<Authenticated> who = SessionCookie.read(req).flatMap(accounts::resolve);
        Views.redirect(res, who.map(w -> home(w.admin())).orElse(LOGIN));
    }

    void loginForm(ServerRequest req, ServerResponse res) {
        if (SessionCookie.read(req).flatMap(accounts::resolve).isPresent()) {
            Views.redirect(res, "/console");
            return;
        }
        loginPage(res, Status.OK_200, defaultTenant.value(), "", false, null);
    }

    /** The login form's POST, once it is known to come from this origin and to be readable. */
    void login(ServerRequest req, ServerResponse res, Form form) {
        String tenant = form.value("tenant").strip();
        String username = form.value("username").strip();
        String code = form.value("code").strip();
        char[] password = form.value("password").toCharArray();
        if (!TenantId.isValid(tenant)) {
            loginPage(res, Status.FORBIDDEN_403, tenant, username, false, REFUSED_LOGIN);
            return;
        }
        LoginResult result;
        try {
            result = accounts.login(TenantId.of(tenant), username, password, code.isEmpty() ? null : code,
                    RemoteAddress.of(req), SessionCookie.read(req).orElse(null), DeviceCookie.read(req).orElse(null));
        } finally {
            Arrays.fill(password, '\0');
        }
        switch (result) {
            case LoginResult.Success success -> {
                // A new id for the new session: whatever cookie came with the form is ended, not promoted.
                SessionCookie.set(res, success.sessionId(), secureCookies);
                DeviceCookie.set(res, success.deviceToken(), secureCookies);
                Admin admin = success.authenticated().admin();
                Views.redirect(res, admin.mustChangePassword() ? PASSWORD : home(admin));
            }
            case LoginResult.Refused refused ->
                    loginPage(res, Status.FORBIDDEN_403, tenant, username, false, REFUSED_LOGIN);
            case LoginResult.SecondFactorRequired required ->
                    loginPage(res, Status.OK_200, tenant, username, true,
                            "Enter the code from your authenticator app, with your password again.");
            case LoginResult.Throttled throttled -> {
                long seconds = RetryAfter.seconds(throttled.retryAfter());
                RetryAfter.set(res, throttled.retryAfter());
                views.error(res, Status.TOO_MANY_REQUESTS_429, Frame.anonymous("Too many attempts"),
                        "Too many attempts", "Too many sign-in attempts (for this account, from this address, "
                                + "or at once). Try again in " + seconds + (seconds == 1 ? " second." : " seconds."));
            }
        }
    }

    private void loginPage(ServerResponse res, Status status, String tenant, String username, boolean needCode,
                           String error) {
        views.send(res, status, "login", Frame.anonymous("Sign in").withError(error),
                "tenant", tenant, "username", username, "needCode", needCode);
    }

    void logout(Visit visit) {
        operations.audit().record(visit.actor, AuditAction.ADMIN_LOGOUT, "console", clock.instant());
        accounts.logout(visit.sessionId);
        SessionCookie.clear(visit.response, secureCookies);
        Views.redirect(visit.response, LOGIN);
    }

    void passwordForm(Visit visit) {
        passwordPage(visit, Status.OK_200, visit.frame("Change password", Frame.Section.ACCOUNT));
    }

    private void passwordPage(Visit visit, Status status, Frame frame) {
        views.send(visit.response, status, "password", frame, "minLength", PasswordHasher.MIN_LENGTH);
    }

    void changePassword(Visit visit) {
        char[] current = visit.form.value("current").toCharArray();
        char[] next = visit.form.value("password").toCharArray();
        char[] repeated = visit.form.value("confirm").toCharArray();
        try {
            // Every rule the form can see for itself, at once; the current password is checked by the
            // policy (and counted against the login throttle) only when the new one is acceptable.
            FieldErrors errors = new FieldErrors();
            if (current.length == 0) {
                errors.add("current", "Enter your current password.");
            }
            if (!PasswordHasher.isAcceptable(next)) {
                errors.add("password", "The new password needs at least " + PasswordHasher.MIN_LENGTH
                        + " characters.");
            } else if (Arrays.equals(current, next)) {
                errors.add("password", "The new password must differ from the current one.");
            }
            if (!Arrays.equals(next, repeated)) {
                errors.add("confirm", "The two new passwords do not match.");
            }
            if (!errors.isEmpty()) {
                passwordPage(visit, Status.BAD_REQUEST_400,
                        visit.frame("Change password", Frame.Section.ACCOUNT).withFields(errors));
                return;
            }
            LoginResult.Success success = accounts.changePassword(visit.who, current, next);
            // The policy ended this session and opened a new one: the browser follows.
            SessionCookie.set(visit.response, success.sessionId(), secureCookies);
            operations.audit().record(visit.actor, AuditAction.ADMIN_PASSWORD_CHANGE, "console", clock.instant());
            Views.redirect(visit.response, home(success.authenticated().admin()) + "?done=password");
        } catch (AdminFailure e) {
            Failure failure = Failure.of(e);
            passwordPage(visit, failure.answer(visit.response),
                    visit.frame("Change password", Frame.Section.ACCOUNT).withError(failure.message()));
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(next, '\0');
            Arrays.fill(repeated, '\0');
        }
    }

    /** Where an admin lands: the first section their capabilities open. */
    static String home(Admin admin) {
        var capabilities = admin.effectiveCapabilities();
        if (capabilities.contains(Capability.MANAGE_CLIENT_CREDENTIALS) || capabilities.isEmpty()) {
            return "/console/clients";
        }
        if (capabilities.contains(Capability.MANAGE_SCOPES)) {
            return "/console/scopes";
        }
        if (capabilities.contains(Capability.MANAGE_USERS)) {
            return "/console/users";
        }
        if (capabilities.contains(Capability.MANAGE_ADMINS)) {
            return "/console/admins";
        }
        return "/console/audit";
    }
}
