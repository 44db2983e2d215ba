package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminAccounts.LoginResult;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AuditAction;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi.Refusal;
import dev.tollgate.server.http.RemoteAddress;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Set;

import static dev.tollgate.server.api.JsonApi.sendJson;
import static dev.tollgate.server.api.JsonApi.sendNoContent;

/**
 * A console session through the API: {@code login} (a JSON alternative to the console's form; the
 * session comes back as a cookie, its CSRF token in the body), {@code logout}, and
 * {@code password}, the admin's own, which is the only call a forced change allows.
 */
final class SessionResource {

    private final AdminCaller caller;
    private final AdminAccounts accounts;
    private final AdminOperations operations;
    private final AdminExchange exchange;
    private final boolean secureCookies;

    SessionResource(AdminCaller caller, AdminAccounts accounts, AdminOperations operations, AdminExchange exchange,
                    boolean secureCookies) {
        this.caller = caller;
        this.accounts = accounts;
        this.operations = operations;
        this.exchange = exchange;
        this.secureCookies = secureCookies;
    }

    /** {@code POST login} */
    void login(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            // No session yet to carry a CSRF token, but a login another site composed is still refused.
            caller.requireSameOrigin(request);
            LoginRequest login = LoginRequest.parse(exchange.json(request));
            LoginResult result = accounts.login(tenant, login.username(), login.password().toCharArray(),
                    login.totpCode(), RemoteAddress.of(request), SessionCookie.read(request).orElse(null),
                    DeviceCookie.read(request).orElse(null));
            // AdminAccounts audited the sign-in, accepted or refused.
            switch (result) {
                case LoginResult.Success success -> {
                    SessionCookie.set(response, success.sessionId(), secureCookies);
                    DeviceCookie.set(response, success.deviceToken(), secureCookies);
                    sendJson(response, 200, AdminApiViews.session(success.authenticated()));
                }
                case LoginResult.Throttled throttled ->
                        throw new AdminFailure.Throttled(throttled.retryAfter(), "too many login attempts; retry later");
                case LoginResult.SecondFactorRequired required ->
                        throw new Refusal(401, "totp_required", "a TOTP code is required", null, null);
                case LoginResult.Refused refused ->
                        throw new Refusal(401, "invalid_credentials", "wrong username or password", null, null);
            }
        });
    }

    /** {@code POST logout}: the session ends here, and its cookie in the browser. */
    void logout(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Authenticated who = caller.session(request, tenant, true, false);
            accounts.logout(SessionCookie.read(request).orElseThrow());
            operations.audit().record(Actor.admin(who.admin(), RemoteAddress.of(request)), AuditAction.ADMIN_LOGOUT,
                    null, null);
            SessionCookie.clear(response, secureCookies);
            sendNoContent(response);
        });
    }

    /** {@code POST password}: every session of the admin ends, and a new one comes back in place of this one. */
    void password(ServerRequest request, ServerResponse response) {
        AdminExchange.handle(request, response, Set.of(Method.POST), () -> {
            TenantId tenant = caller.tenant(request);
            Authenticated who = caller.session(request, tenant, true, false);
            PasswordChangeRequest change = PasswordChangeRequest.parse(exchange.json(request));
            LoginResult.Success renewed = accounts.changePassword(who, change.currentPassword().toCharArray(),
                    change.newPassword().toCharArray());
            operations.audit().record(Actor.admin(renewed.authenticated().admin(), RemoteAddress.of(request)),
                    AuditAction.ADMIN_PASSWORD_CHANGE, null, null);
            SessionCookie.set(response, renewed.sessionId(), secureCookies);
            sendJson(response, 200, AdminApiViews.session(renewed.authenticated()));
        });
    }
}
