package dev.tollgate.server.admin;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.cache.Directory;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.server.api.JsonApi;
import dev.tollgate.server.api.JsonApi.Refusal;
import dev.tollgate.server.api.TenantVerifiers;
import dev.tollgate.server.http.PathTenant;
import dev.tollgate.server.http.ClientCertificates;
import dev.tollgate.server.http.RemoteAddress;
import dev.tollgate.server.http.SameOrigin;
import dev.tollgate.verifier.Principal;
import dev.tollgate.verifier.TokenVerifier;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who is asking the admin API, as an {@link Actor} whose capabilities {@code AdminOperations}
 * checks. Two ways in, with the same capability checks:
 * <ul>
 *   <li>a console session (the {@link SessionCookie}); requests that change anything also carry
 *       the session's CSRF token in {@code X-CSRF-Token} and come from the same origin, since a
 *       cookie is sent by the browser on its own and so proves nothing about who composed the
 *       request;</li>
 *   <li>a client-credentials access token of the tenant (audience {@code <issuer>/api}) whose
 *       scopes include {@code admin:<capability>}.</li>
 * </ul>
 * An admin session of another tenant is answered {@code 404}: the path's tenant is not theirs to
 * know about. A token of another tenant fails verification ({@code 401 invalid_token}).
 */
final class AdminCaller {

    static final String REALM = "admin-api";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final AdminAccounts accounts;
    private final TenantVerifiers verifiers;
    private final Directory directory;
    private final boolean secureCookies;

    AdminCaller(AdminAccounts accounts, TenantVerifiers verifiers, Directory directory, boolean secureCookies) {
        this.accounts = accounts;
        this.verifiers = verifiers;
        this.directory = directory;
        this.secureCookies = secureCookies;
    }

    /** The path's tenant, when it exists. */
    TenantId tenant(ServerRequest request) {
        TenantId tenant = PathTenant.of(request);
        if (tenant == null || directory.tenant(tenant).isEmpty()) {
            throw new AdminFailure.NotFound("unknown tenant");
        }
        return tenant;
    }

    /** The caller: a bearer token if one is sent, else the session cookie. */
    Actor actor(ServerRequest request, TenantId tenant) {
        if (JsonApi.hasAuthorization(request)) {
            return tokenActor(request, tenant);
        }
        boolean changes = request.prologue().method() != Method.GET;
        Authenticated who = session(request, tenant, changes, true);
        return Actor.admin(who.admin(), RemoteAddress.of(request));
    }

    /**
     * The request's console session in {@code tenant}.
     *
     * @param changes       the request changes something, so it must carry the CSRF token
     * @param passwordFresh refuse while the admin must still replace a generated password
     */
    Authenticated session(ServerRequest request, TenantId tenant, boolean changes, boolean passwordFresh) {
        Optional<Authenticated> found = SessionCookie.read(request).flatMap(accounts::resolve);
        if (found.isEmpty()) {
            throw new Refusal(401, "unauthorized", "log in first, or send a bearer token",
                    "Bearer realm=\"" + REALM + "\"", null);
        }
        Authenticated who = found.get();
        if (!who.admin().tenantId().equals(tenant)) {
            // Another tenant's admin learns nothing about this one, not even that it exists.
            throw new AdminFailure.NotFound("unknown tenant");
        }
        if (changes) {
            requireSameOrigin(request);
            String presented = request.headers().first(HeaderNames.create(CSRF_HEADER)).orElse("");
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    who.session().csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new Refusal(403, "csrf", "missing or wrong " + CSRF_HEADER + " header", null, null);
            }
        }
        if (passwordFresh && who.admin().mustChangePassword()) {
            throw new Refusal(403, "password_change_required",
                    "change the generated password first (POST password)", null, null);
        }
        return who;
    }

    /**
     * Browsers send {@code Origin} (and {@code Sec-Fetch-Site}) with cross-origin requests; a
     * request another site composed is refused before it can use an ambient session.
     */
    void requireSameOrigin(ServerRequest request) {
        String site = request.headers().first(HeaderNames.create("Sec-Fetch-Site")).orElse("");
        if (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site")) {
            throw new Refusal(403, "csrf", "cross-site request refused", null, null);
        }
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !SameOrigin.matches(origin.get(),
                request.headers().first(HeaderNames.HOST).orElse(null), request.isSecure() || secureCookies)) {
            throw new Refusal(403, "csrf", "cross-origin request refused", null, null);
        }
    }

    private Actor tokenActor(ServerRequest request, TenantId tenant) {
        JsonApi.PresentedToken token = JsonApi.presentedToken(request, REALM);
        TokenVerifier verifier = verifiers.forTenant(tenant)
                .orElseThrow(() -> new AdminFailure.NotFound("unknown tenant"));
        Principal principal = JsonApi.verified(verifier, token, request, verifiers.requestUri(tenant, request),
                Set.of(), REALM);
        // A token outlives changes to its client: one whose client was since disabled or deleted
        // gets nothing, and only the admin scopes the client still holds count, as a session
        // counts only the capabilities its admin holds now.
        Optional<ClientCredential> client = ClientId.isValid(principal.clientId())
                ? directory.client(tenant, new ClientId(principal.clientId())) : Optional.empty();
        if (client.isEmpty() || !client.get().enabled()) {
            throw new Refusal(401, "invalid_token", "the token's client is disabled or no longer exists",
                    "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"", null);
        }
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        for (String scope : principal.scopes()) {
            if (ScopeName.isValid(scope) && client.get().allowedScopes().contains(new ScopeName(scope))) {
                Capability.fromScope(new ScopeName(scope)).ifPresent(capabilities::add);
            }
        }
        return new Actor(tenant, Actor.Kind.CLIENT, principal.clientId(), principal.clientId(), capabilities,
                RemoteAddress.of(request));
    }
}
