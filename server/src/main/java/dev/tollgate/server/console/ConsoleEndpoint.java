package dev.tollgate.server.console;

import dev.tollgate.server.http.SameOrigin;
import dev.tollgate.server.http.RetryAfter;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.admin.SessionCookie;
import dev.tollgate.server.http.AdminProblem;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The web console at {@code /console}: server-rendered pages (jte, every value escaped) over the
 * same policy as the admin API, {@link AdminAccounts} for sessions and {@link AdminOperations} for
 * every change, so people get exactly the capability checks and audit records programs get.
 *
 * <pre>
 * GET  /console                          → the first page the admin may use, or the login form
 * GET  /console/login, POST /console/login, POST /console/logout
 * GET  /console/password, POST /console/password      (forced after a generated password)
 * GET  /console/account/totp, POST /console/account/totp (enrol), POST /console/account/totp/disable
 * GET  /console/clients?q=&amp;page=         list;  GET /console/clients/new  form;  POST the same  create
 * GET  /console/clients/{id}             details and 24-hour chart;  POST …/scopes …/settings …/rotate
 *                                        …/end-previous …/enabled …/keys …/keys/remove;  GET|POST …/delete (confirmation)
 * GET  /console/clients/{id}/secret      the secret just created or rotated, shown to the first GET only
 * GET  /console/scopes, POST /console/scopes, POST /console/scopes/describe, POST /console/scopes/delete
 * GET  /console/settings, POST /console/settings    the tenant's allowed authorities and audiences, key rotation interval
 * GET  /console/admins, POST /console/admins, GET|POST /console/admins/{id}, POST /console/admins/{id}/delete,
 *                                        POST /console/admins/{id}/reset-totp
 * GET  /console/admins/{id}/created      a new admin's generated password, shown to the first GET only
 * GET  /console/users?page=, POST /console/users, POST /console/users/{id}/delete
 * GET  /console/audit?actor=&amp;client=&amp;action=&amp;from=&amp;to=&amp;page=
 * GET  /console/static/console.css, /console/static/console.js
 * </pre>
 *
 * <p>Defences, each on every request: a strict CSP (no inline script or style, nothing from
 * elsewhere), framing and sniffing forbidden, nothing cached. Every POST must come from this
 * origin ({@code Origin}, {@code Sec-Fetch-Site}) and, once signed in, carry the session's CSRF
 * token (the cookie's {@code SameSite=Strict} is the second line, not the only one); forms are
 * capped at 64 KiB. A refused POST is refused before anything is read from the store or changed.
 *
 * <p>Every accepted POST answers {@code 303 See Other} (post/redirect/get), so reloading the page
 * it leads to repeats nothing; a refused one shows its form again with the values sent.
 */
public final class ConsoleEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoint.class);

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

    private final AdminAccounts accounts;
    private final Function<TenantId, Optional<Tenant>> tenants;
    private final boolean secureCookies;
    /** limits.max-body-bytes: the largest form read. */
    private final int maxBodyBytes;
    private final Views views = new Views();
    private final AccountPages account;
    private final ClientPages clients;
    private final ScopePages scopes;
    private final TenantSettingsPages settings;
    private final AdminPages admins;
    private final UserPages users;
    private final AuditPages audit;
    private final TotpPages totp;
    private final byte[] css = resource("console.css");
    private final byte[] js = resource("console.js");

    private UnaryOperator<Handler> timed = UnaryOperator.identity();

    /**
     * @param tenants       finds a tenant, for the name in the top bar (a cached lookup: it runs on every page)
     * @param issuers       each tenant's issuer URL (its token endpoint is shown beside a new secret); asked on
     *                      every use, since the server learns its own address only once it listens
     * @param secureCookies mark the console's cookies {@code Secure}: the console is served over TLS
     * @param maxBodyBytes  limits.max-body-bytes
     */
    public ConsoleEndpoint(AdminAccounts accounts, AdminOperations operations, TenantId defaultTenant,
                           Function<TenantId, Optional<Tenant>> tenants, Function<TenantId, String> issuers,
                           Clock clock, boolean secureCookies, int maxBodyBytes) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.secureCookies = secureCookies;
        this.maxBodyBytes = maxBodyBytes;
        this.account = new AccountPages(accounts, operations, views, clock, defaultTenant, secureCookies);
        ShownOnce shownOnce = new ShownOnce(clock, secureCookies);
        this.clients = new ClientPages(operations, views, clock, shownOnce, issuers);
        this.scopes = new ScopePages(operations, views);
        this.settings = new TenantSettingsPages(operations, views);
        this.admins = new AdminPages(operations, views, shownOnce);
        this.users = new UserPages(operations, views);
        this.audit = new AuditPages(operations, views);
        this.totp = new TotpPages(accounts, views);
    }

    public void register(HttpRouting.Builder routing) {
        register(routing, UnaryOperator.identity());
    }

    /**
     * @param timed wraps every console handler, e.g. in a request timer; the console is one route
     *              for metrics ({@code /console}), so paths with ids add no series
     */
    public void register(HttpRouting.Builder routing, UnaryOperator<Handler> timed) {
        this.timed = timed;
        routing.get("/console", open(account::root))
                .get("/console/", open(account::root))
                .get("/console/static/console.css", open((req, res) -> asset(res, css, "text/css; charset=utf-8")))
                .get("/console/static/console.js",
                        open((req, res) -> asset(res, js, "text/javascript; charset=utf-8")))
                .get(AccountPages.LOGIN, open(account::loginForm))
                // Same origin and a readable form, as for any POST; no session yet, so no CSRF token.
                .post(AccountPages.LOGIN, open((req, res) -> form(req, res, Frame.anonymous("Sign in"))
                        .ifPresent(form -> account.login(req, res, form))))
                .post("/console/logout", action(account::logout, true))
                .get(AccountPages.PASSWORD, page(account::passwordForm, true))
                .post(AccountPages.PASSWORD, action(account::changePassword, true))
                .get(TotpPages.PATH, page(totp::show))
                .post(TotpPages.PATH, action(totp::enroll))
                .post(TotpPages.PATH + "/disable", action(totp::disable))

                .get("/console/clients", page(clients::list))
                .get("/console/clients/new", page(clients::newForm))
                .post("/console/clients/new", action(clients::create))
                .get("/console/clients/{id}", page(clients::detail))
                .get("/console/clients/{id}/secret", page(clients::secret))
                .post("/console/clients/{id}/scopes", action(clients::editScopes))
                .post("/console/clients/{id}/settings", action(clients::editSettings))
                .post("/console/clients/{id}/rotate", action(clients::rotate))
                .post("/console/clients/{id}/end-previous", action(clients::endPrevious))
                .post("/console/clients/{id}/keys", action(clients::addKey))
                .post("/console/clients/{id}/keys/remove", action(clients::removeKey))
                .post("/console/clients/{id}/revoke-tokens", action(clients::revokeTokens))
                .post("/console/clients/{id}/enabled", action(clients::setEnabled))
                .get("/console/clients/{id}/delete", page(clients::confirmDelete))
                .post("/console/clients/{id}/delete", action(clients::delete))

                .get("/console/scopes", page(scopes::list))
                .post("/console/scopes", action(scopes::create))
                .post("/console/scopes/describe", action(scopes::describe))
                .post("/console/scopes/delete", action(scopes::delete))

                .get(TenantSettingsPages.PATH, page(settings::show))
                .post(TenantSettingsPages.PATH, action(settings::save))

                .get("/console/admins", page(admins::list))
                .post("/console/admins", action(admins::create))
                .get("/console/admins/{id}", page(admins::detail))
                .get("/console/admins/{id}/created", page(admins::created))
                .post("/console/admins/{id}", action(admins::update))
                .post("/console/admins/{id}/delete", action(admins::delete))
                .post("/console/admins/{id}/reset-totp", action(admins::resetTotp))

                .get("/console/users", page(users::list))
                .post("/console/users", action(users::create))
                .post("/console/users/{id}/delete", action(users::delete))

                .get("/console/audit", page(audit::list))
                // Anything else under /console, any method: a console 404, with the console's headers.
                .any("/console/*", open(this::notFound));
    }

    private void notFound(ServerRequest req, ServerResponse res) {
        Frame frame = SessionCookie.read(req).flatMap(accounts::resolve)
                .map(who -> new Visit(req, res, who, null, RemoteAddress.of(req), null,
                        tenantName(who)).frame("Not found", Frame.Section.NONE))
                .orElse(Frame.anonymous("Not found"));
        views.error(res, Status.NOT_FOUND_404, frame, "Not found", "There is no console page at this address.");
    }

    // ------------------------------------------------------------------ the wrappers every route goes through

    @FunctionalInterface
    interface Page {
        void handle(Visit visit) throws Exception;
    }

    private Handler open(Handler handler) {
        return timed.apply((req, res) -> {
            secure(res);
            try {
                handler.handle(req, res);
            } catch (Exception e) {
                fail(res, Frame.anonymous("Error"), e);
            }
        });
    }

    private Handler page(Page page) {
        return page(page, false);
    }

    /** A GET for a signed-in admin; {@code whileForced}: reachable before a forced password change. */
    private Handler page(Page page, boolean whileForced) {
        return open((req, res) -> {
            Optional<Visit> visit = visit(req, res, null);
            if (visit.isPresent() && allowed(visit.get(), whileForced)) {
                run(page, visit.get());
            }
        });
    }

    private Handler action(Page page) {
        return action(page, false);
    }

    /**
     * A POST for a signed-in admin: same origin, a readable form within the limit, a session, and
     * that session's CSRF token, checked in that order before the handler runs.
     */
    private Handler action(Page page, boolean whileForced) {
        return open((req, res) -> {
            Optional<Form> form = form(req, res, Frame.anonymous("Not accepted"));
            if (form.isEmpty()) {
                return;
            }
            Optional<Visit> found = visit(req, res, form.get());
            if (found.isEmpty()) {
                return;
            }
            Visit visit = found.get();
            byte[] sent = form.get().value("csrf").getBytes(StandardCharsets.UTF_8);
            byte[] expected = visit.who.session().csrfToken().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(sent, expected)) {
                views.error(res, Status.FORBIDDEN_403, visit.frame("Not accepted", Frame.Section.NONE),
                        "Not accepted", "The form's security token is missing or out of date. "
                                + "Nothing was changed; reload the page and try again.");
                return;
            }
            if (allowed(visit, whileForced)) {
                run(page, visit);
            }
        });
    }

    /** The POST's form, once it is known to come from this origin; otherwise refused, in {@code frame}. */
    private Optional<Form> form(ServerRequest req, ServerResponse res, Frame frame) {
        if (crossSite(req)) {
            refuseCrossSite(res, frame);
            return Optional.empty();
        }
        try {
            return Optional.of(Form.read(req, maxBodyBytes));
        } catch (Form.Refused e) {
            views.error(res, e.status, frame, "Not accepted", e.getMessage());
            return Optional.empty();
        }
    }

    /** The signed-in admin behind the request's cookie; otherwise redirects to the login page. */
    private Optional<Visit> visit(ServerRequest req, ServerResponse res, Form form) {
        Optional<String> sessionId = SessionCookie.read(req);
        Optional<Authenticated> who = sessionId.flatMap(accounts::resolve);
        if (who.isEmpty()) {
            if (sessionId.isPresent()) {
                SessionCookie.clear(res, secureCookies);
            }
            Views.redirect(res, AccountPages.LOGIN);
            return Optional.empty();
        }
        return Optional.of(new Visit(req, res, who.get(), sessionId.get(), RemoteAddress.of(req), form,
                tenantName(who.get())));
    }

    private String tenantName(Authenticated who) {
        return tenants.apply(who.admin().tenantId()).map(Tenant::name).orElse(null);
    }

    private boolean allowed(Visit visit, boolean whileForced) {
        if (visit.who.admin().mustChangePassword() && !whileForced) {
            Views.redirect(visit.response, AccountPages.PASSWORD);
            return false;
        }
        return true;
    }

    private void run(Page page, Visit visit) {
        try {
            page.handle(visit);
        } catch (Exception e) {
            fail(visit.response, visit.frame("Error", Frame.Section.NONE), e);
        }
    }

    /** What the handler didn't answer itself: said in the console's words, never a stack trace. */
    private void fail(ServerResponse res, Frame frame, Exception e) {
        if (res.isSent()) {
            LOG.warn("console failure after the response was sent", e);
            return;
        }
        AdminProblem problem = AdminProblem.of(e);
        if (problem.retryAfter() != null) {
            RetryAfter.set(res, problem.retryAfter());
        }
        Status status = Status.create(problem.status());
        switch (problem.status()) {
            case 404 -> views.error(res, status, frame, "Not found", "Nothing was found at this address.");
            case 403 -> views.error(res, status, frame, "Not allowed",
                    "Your account does not hold the capability this page needs.");
            case 503 -> views.error(res, status, frame, "Temporarily unavailable",
                    "The store is unavailable. Try again in a few seconds.");
            case 500 -> views.error(res, status, frame, "Something went wrong",
                    "The console could not complete this request (reference " + problem.correlationId() + ").");
            default -> views.error(res, status, frame, switch (problem.status()) {
                case 400 -> "Not accepted";
                case 429 -> "Too many attempts";
                default -> "Conflict";
            }, Failure.of((RuntimeException) e).message());
        }
    }

    // ------------------------------------------------------------------ same-origin checks and headers

    /**
     * A POST that a browser says came from elsewhere. Browsers send {@code Sec-Fetch-Site} (Fetch
     * Metadata), which only they can set: anything but {@code same-origin} is refused, including
     * {@code same-site}, since another port on the same host is the same site. {@code Origin} must
     * be this origin; it is {@code null} on every form POST of a page whose referrer policy is
     * {@code no-referrer} (Fetch §3.2, "append a request Origin header"), as the console's own pages
     * are, so {@code null} counts only when Fetch Metadata vouches for the request. Requests with
     * neither header (scripts, curl) are left to the CSRF token.
     */
    private boolean crossSite(ServerRequest req) {
        Optional<String> site = req.headers().first(SEC_FETCH_SITE).map(s -> s.strip().toLowerCase(Locale.ROOT));
        if (site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            return true;
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN).map(String::strip);
        if (origin.isEmpty()) {
            return false;
        }
        if (origin.get().equals("null")) {
            return !site.map("same-origin"::equals).orElse(false);
        }
        Optional<String> host = req.headers().first(HeaderNames.HOST);
        if (host.isEmpty()) {
            return true;
        }
        return !SameOrigin.matches(origin.get(), host.get(), req.isSecure() || secureCookies);
    }

    private void refuseCrossSite(ServerResponse res, Frame frame) {
        views.error(res, Status.FORBIDDEN_403, frame, "Not accepted",
                "This form was sent from another site. Nothing was changed.");
    }

    static void secure(ServerResponse res) {
        res.header(CONTENT_SECURITY_POLICY, CSP);
        res.header(CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(REFERRER_POLICY, "no-referrer");
        res.header(FRAME_OPTIONS, "DENY");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }

    private static void asset(ServerResponse res, byte[] content, String contentType) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(content);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleEndpoint.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console resource missing from the classpath: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
