package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import io.helidon.http.Status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Settings → Client Credentials: the list, the create form, the secret shown once, and one client's page.
 * Creating and rotating answer with a redirect to the secret's page, which shows the secret to the
 * first GET only ({@link ShownOnce}): a reload neither makes another client nor shows the secret again.
 */
final class ClientPages {

    static final int PAGE_SIZE = 20;
    static final Duration DEFAULT_OVERLAP = Duration.ofDays(1);
    /** The chart: tokens per hour over the last day. */
    static final Duration BUCKET = Duration.ofHours(1);
    static final int BUCKETS = 24;

    private static final long MAX_OVERLAP_SECONDS = Duration.ofDays(365).toSeconds();

    /** The policy's fields a refusal can name that the client forms show; the console sets no authorities. */
    private static final Set<String> FORM_FIELDS = Set.of("audiences");
    private static final String SECRET = "secret";
    private static final String ROTATED = "rotated";

    private final AdminOperations operations;
    private final Views views;
    private final Clock clock;
    private final ShownOnce shownOnce;
    private final Function<TenantId, String> issuers;

    /** @param issuers each tenant's issuer URL, whose token endpoint the secret's page names */
    ClientPages(AdminOperations operations, Views views, Clock clock, ShownOnce shownOnce,
                Function<TenantId, String> issuers) {
        this.operations = operations;
        this.views = views;
        this.clock = clock;
        this.shownOnce = shownOnce;
        this.issuers = issuers;
    }

    void list(Visit visit) {
        String search = visit.query("q").strip();
        int number = visit.pageNumber();
        Page<ClientCredential> page = operations.clients().list(visit.actor, visit.tenant(), search,
                (number - 1) * PAGE_SIZE, PAGE_SIZE);
        views.send(visit.response, Status.OK_200, "clients",
                visit.frame("Client Credentials", Frame.Section.CLIENTS),
                "page", page, "search", search, "paging", Paging.of(page, number, "/console/clients",
                        Map.of("q", search)));
    }

    void newForm(Visit visit) {
        renderNew(visit, Status.OK_200, ClientForm.empty(), operations.scopes().list(visit.actor, visit.tenant()),
                new FieldErrors(), null);
    }

    void create(Visit visit) {
        ClientForm form = ClientForm.from(visit.form);
        List<ScopeDefinition> defined = operations.scopes().list(visit.actor, visit.tenant());
        FieldErrors errors = new FieldErrors();
        String name = form.checkedName(errors);
        ScopeSet scopes = form.checkedScopes(names(defined), errors);
        List<String> audiences = form.checkedAudiences(errors);
        Duration lifetime = form.checkedLifetime(errors);
        if (!errors.isEmpty()) {
            renderNew(visit, Status.BAD_REQUEST_400, form, defined, errors, null);
            return;
        }
        ClientWithSecret created;
        try {
            created = operations.clients().create(visit.actor, visit.tenant(),
                    new ClientSpec(name, scopes, null, audiences, null, lifetime, form.introspection()));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            FieldErrors refused = failure.fieldErrors(FORM_FIELDS);
            renderNew(visit, failure.answer(visit.response), form, defined, refused,
                    refused.isEmpty() ? failure.message() : null);
            return;
        }
        handOver(visit, created, false);
    }

    private void renderNew(Visit visit, Status status, ClientForm form, List<ScopeDefinition> defined,
                           FieldErrors errors, String error) {
        List<ScopeChoice> choices = choices(defined, List.of(), form.scopes());
        views.send(visit.response, status, "clientNew",
                visit.frame("New client credential", Frame.Section.CLIENTS).withError(error).withFields(errors),
                "form", form, "scopes", choices);
    }

    /** The secret goes to the next GET of its page, sealed to this session; the POST answers with the redirect. */
    private void handOver(Visit visit, ClientWithSecret client, boolean rotated) {
        String path = secretHref(client.client().clientId());
        shownOnce.hand(visit.response, visit.sessionId, path,
                Map.of(SECRET, client.secret().reveal(), ROTATED, Boolean.toString(rotated)));
        Views.redirect(visit.response, path);
    }

    /** The secret just made or rotated, to the first GET after the redirect; afterwards only that it was shown. */
    void secret(Visit visit) {
        ClientId id = clientId(visit);
        ClientCredential client = operations.clients().get(visit.actor, visit.tenant(), id);
        Optional<Map<String, String>> once = shownOnce.take(visit.request, visit.response, visit.sessionId,
                secretHref(id));
        String tokenEndpoint = issuers.apply(visit.tenant()) + "/oauth2/token";
        if (once.isEmpty()) {
            views.send(visit.response, Status.GONE_410, "secret",
                    visit.frame("Secret already shown", Frame.Section.CLIENTS),
                    "client", client, "secret", null, "rotated", false, "previousUntil", null,
                    "tokenEndpoint", tokenEndpoint);
            return;
        }
        boolean rotated = Boolean.parseBoolean(once.get().get(ROTATED));
        Instant now = clock.instant();
        Instant previousUntil = rotated ? client.secrets().stream()
                .map(StoredSecret::expiresAt).filter(t -> t != null && t.isAfter(now))
                .max(Instant::compareTo).orElse(null) : null;
        views.send(visit.response, Status.OK_200, "secret",
                visit.frame(rotated ? "Secret rotated" : "Client credential created", Frame.Section.CLIENTS),
                "client", client, "secret", once.get().get(SECRET), "rotated", rotated,
                "previousUntil", previousUntil, "tokenEndpoint", tokenEndpoint);
    }

    void detail(Visit visit) {
        renderDetail(visit, Status.OK_200, null);
    }

    private void renderDetail(Visit visit, Status status, String error) {
        renderDetail(visit, status, error, null, new FieldErrors());
    }

    /** @param settings the settings form as sent, shown again with {@code errors}; null shows the client's own */
    private void renderDetail(Visit visit, Status status, String error, ClientForm settings, FieldErrors errors) {
        ClientId id = clientId(visit);
        ClientCredential client = operations.clients().get(visit.actor, visit.tenant(), id);
        List<ScopeChoice> choices = choices(operations.scopes().list(visit.actor, visit.tenant()),
                client.allowedScopes().names(), Set.copyOf(client.allowedScopes().names()));
        long[] counts = operations.clients().tokenIssuance(visit.actor, visit.tenant(), id, BUCKET, BUCKETS);
        Instant now = clock.instant();
        String overlap = visit.form == null || visit.form.value("overlap").isEmpty()
                ? Long.toString(DEFAULT_OVERLAP.toSeconds()) : visit.form.value("overlap");
        views.send(visit.response, status, "client",
                visit.frame(client.name(), Frame.Section.CLIENTS).withError(error).withFields(errors),
                "client", client, "scopes", choices, "chart", IssuanceChart.of(counts, now, BUCKET), "now", now,
                "overlap", overlap, "settings", settings == null ? ClientForm.of(client) : settings);
    }

    void editScopes(Visit visit) {
        ClientId id = clientId(visit);
        try {
            ClientCredential client = operations.clients().get(visit.actor, visit.tenant(), id);
            // Scopes it holds that are no longer defined may stay ticked; only new ones must be defined.
            Set<String> offered = new HashSet<>(names(operations.scopes().list(visit.actor, visit.tenant())));
            offered.addAll(client.allowedScopes().names());
            FieldErrors errors = new FieldErrors();
            ScopeSet allowed = new ClientForm("", Set.copyOf(visit.form.values("scope")), "", "", false)
                    .checkedScopes(offered, errors);
            if (!errors.isEmpty()) {
                renderDetail(visit, Status.BAD_REQUEST_400, null, null, errors);
                return;
            }
            // A client whose defaults were all its scopes keeps that shape; narrower defaults stay
            // narrower, minus what is no longer allowed.
            ScopeSet defaults = client.defaultScopes().equals(client.allowedScopes()) ? allowed
                    : ScopeSet.of(client.defaultScopes().asSet().stream().filter(allowed::contains).toList());
            operations.clients().update(visit.actor, visit.tenant(), id,
                    new ClientUpdate(null, allowed, defaults, null, null, null, null));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-scopes");
    }

    void editSettings(Visit visit) {
        ClientId id = clientId(visit);
        ClientForm form = ClientForm.settings(visit.form);
        FieldErrors errors = new FieldErrors();
        String name = form.checkedName(errors);
        List<String> audiences = form.checkedAudiences(errors);
        Duration lifetime = form.checkedLifetime(errors);
        if (!errors.isEmpty()) {
            renderDetail(visit, Status.BAD_REQUEST_400, null, form, errors);
            return;
        }
        try {
            operations.clients().update(visit.actor, visit.tenant(), id,
                    new ClientUpdate(name, null, null, audiences, null, lifetime, null, form.introspection()));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            FieldErrors refused = failure.fieldErrors(FORM_FIELDS);
            renderDetail(visit, failure.answer(visit.response), refused.isEmpty() ? failure.message() : null, form,
                    refused);
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-settings");
    }

    void rotate(Visit visit) {
        ClientId id = clientId(visit);
        FieldErrors errors = new FieldErrors();
        Optional<Long> overlap = ClientForm.seconds(visit.form.value("overlap"), "overlap", "The overlap", 0,
                MAX_OVERLAP_SECONDS, errors);
        if (overlap.isEmpty()) {
            renderDetail(visit, Status.BAD_REQUEST_400, null, null, errors);
            return;
        }
        ClientWithSecret rotated;
        try {
            rotated = operations.clients().rotateSecret(visit.actor, visit.tenant(), id, Duration.ofSeconds(overlap.get()));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        handOver(visit, rotated, true);
    }

    void endPrevious(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.clients().revokePreviousSecret(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-previous-ended");
    }

    /**
     * A private_key_jwt client's new public key, pasted as a JWK, a JWK set, a PEM public key or a
     * PEM certificate; a private key is refused with the reason, and the paste is not echoed back.
     */
    void addKey(Visit visit) {
        ClientId id = clientId(visit);
        try {
            List<com.nimbusds.jose.jwk.JWK> keys;
            try {
                keys = dev.tollgate.core.client.ClientKeys.parsePublicKeys(visit.form.value("jwk"));
            } catch (IllegalArgumentException e) {
                throw dev.tollgate.core.admin.AdminFailure.Invalid.of("jwk", e.getMessage());
            }
            operations.clients().addKeys(visit.actor, visit.tenant(), id, keys);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-key-added");
    }

    void removeKey(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.clients().removeKey(visit.actor, visit.tenant(), id, visit.form.value("kid"));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-key-removed");
    }

    /** Every token issued to the client until now stops working; its programs fetch new ones. */
    void revokeTokens(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.clients().revokeTokens(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-tokens-revoked");
    }

    void setEnabled(Visit visit) {
        ClientId id = clientId(visit);
        boolean enabled = "true".equals(visit.form.value("enabled"));
        try {
            operations.clients().update(visit.actor, visit.tenant(), id,
                    new ClientUpdate(null, null, null, null, null, null, enabled));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + (enabled ? "?done=client-enabled" : "?done=client-disabled"));
    }

    void confirmDelete(Visit visit) {
        ClientCredential client = operations.clients().get(visit.actor, visit.tenant(), clientId(visit));
        if (client.isBuiltin()) {
            renderDetail(visit, Status.CONFLICT_409, "The two default credentials can be rotated and edited, "
                    + "not deleted.");
            return;
        }
        views.send(visit.response, Status.OK_200, "clientDelete",
                visit.frame("Delete " + client.name(), Frame.Section.CLIENTS), "client", client);
    }

    void delete(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.clients().delete(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message());
            return;
        }
        Views.redirect(visit.response, "/console/clients?done=client-deleted");
    }

    /** The {id} of the path; an id that can't exist is as unknown as one that doesn't. */
    private static ClientId clientId(Visit visit) {
        String value = visit.path("id");
        if (!ClientId.isValid(value)) {
            throw new AdminFailure.NotFound("no such client");
        }
        return new ClientId(value);
    }

    static String href(ClientId id) {
        return "/console/clients/" + id.value();
    }

    static String secretHref(ClientId id) {
        return href(id) + "/secret";
    }

    private static Set<String> names(List<ScopeDefinition> scopes) {
        return scopes.stream().map(scope -> scope.name().value()).collect(Collectors.toSet());
    }

    /** The tenant's scopes plus any the client holds that are no longer defined, ticked as given. */
    private static List<ScopeChoice> choices(List<ScopeDefinition> defined, List<String> held, Set<String> ticked) {
        Map<String, String> all = new LinkedHashMap<>();
        for (ScopeDefinition scope : defined) {
            all.put(scope.name().value(), scope.description());
        }
        for (String name : new TreeSet<>(held)) {
            all.putIfAbsent(name, "(not defined in this tenant)");
        }
        return all.entrySet().stream()
                .map(e -> new ScopeChoice(e.getKey(), e.getValue(), ticked.contains(e.getKey())))
                .toList();
    }
}
