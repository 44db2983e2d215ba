package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.admin.ClientUpdate;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.NotFoundException;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.StoredSecret;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.TenantId;
import io.helidon.http.Status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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
        Page<ClientCredential> page = operations.listClients(visit.actor, visit.tenant(), search,
                (number - 1) * PAGE_SIZE, PAGE_SIZE);
        views.send(visit.response, Status.OK_200, "clients",
                visit.frame("Client Credentials", Frame.Section.CLIENTS),
                "page", page, "search", search, "paging", Paging.of(page, number, "/console/clients",
                        Map.of("q", search)));
    }

    void newForm(Visit visit) {
        renderNew(visit, Status.OK_200, ClientForm.empty(), null);
    }

    void create(Visit visit) {
        ClientForm form = ClientForm.from(visit.form);
        ClientWithSecret created;
        try {
            ClientSpec spec = new ClientSpec(form.name(), scopes(form.scopes()), null,
                    ClientForm.split(form.audiences()), null,
                    Duration.ofSeconds(seconds(form.lifetime(), "Token lifetime", 0, Duration.ofDays(1).toSeconds())));
            created = operations.createClient(visit.actor, visit.tenant(), spec);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderNew(visit, failure.status(), form, failure.message());
            return;
        }
        handOver(visit, created, false);
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
        ClientCredential client = operations.getClient(visit.actor, visit.tenant(), id);
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

    private void renderNew(Visit visit, Status status, ClientForm form, String error) {
        List<ScopeChoice> choices = choices(operations.listScopes(visit.actor, visit.tenant()), List.of(),
                form.scopes());
        views.send(visit.response, status, "clientNew",
                visit.frame("New client credential", Frame.Section.CLIENTS).withError(error),
                "form", form, "scopes", choices);
    }

    void detail(Visit visit) {
        renderDetail(visit, Status.OK_200, null);
    }

    private void renderDetail(Visit visit, Status status, String error) {
        ClientId id = clientId(visit);
        ClientCredential client = operations.getClient(visit.actor, visit.tenant(), id);
        List<ScopeChoice> choices = choices(operations.listScopes(visit.actor, visit.tenant()),
                client.allowedScopes().names(), Set.copyOf(client.allowedScopes().names()));
        long[] counts = operations.tokenIssuance(visit.actor, visit.tenant(), id, BUCKET, BUCKETS);
        Instant now = clock.instant();
        views.send(visit.response, status, "client",
                visit.frame(client.name(), Frame.Section.CLIENTS).withError(error),
                "client", client, "scopes", choices, "chart", IssuanceChart.of(counts, now, BUCKET), "now", now,
                "overlap", DEFAULT_OVERLAP.toSeconds());
    }

    void editScopes(Visit visit) {
        ClientId id = clientId(visit);
        try {
            ClientCredential client = operations.getClient(visit.actor, visit.tenant(), id);
            ScopeSet allowed = scopes(visit.form.values("scope"));
            // A client whose defaults were all its scopes keeps that shape; narrower defaults stay
            // narrower, minus what is no longer allowed.
            ScopeSet defaults = client.defaultScopes().equals(client.allowedScopes()) ? allowed
                    : ScopeSet.of(client.defaultScopes().asSet().stream().filter(allowed::contains).toList());
            operations.updateClient(visit.actor, visit.tenant(), id,
                    new ClientUpdate(null, allowed, defaults, null, null, null, null));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-scopes");
    }

    void editSettings(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.updateClient(visit.actor, visit.tenant(), id, new ClientUpdate(visit.form.value("name"),
                    null, null, ClientForm.split(visit.form.value("audiences")), null,
                    Duration.ofSeconds(seconds(visit.form.value("lifetime"), "Token lifetime", 0,
                            Duration.ofDays(1).toSeconds())), null));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-settings");
    }

    void rotate(Visit visit) {
        ClientId id = clientId(visit);
        ClientWithSecret rotated;
        try {
            long overlap = seconds(visit.form.value("overlap"), "Overlap", 0, MAX_OVERLAP_SECONDS);
            rotated = operations.rotateSecret(visit.actor, visit.tenant(), id, Duration.ofSeconds(overlap));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        handOver(visit, rotated, true);
    }

    void endPrevious(Visit visit) {
        ClientId id = clientId(visit);
        try {
            operations.revokePreviousSecret(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + "?done=client-previous-ended");
    }

    void setEnabled(Visit visit) {
        ClientId id = clientId(visit);
        boolean enabled = "true".equals(visit.form.value("enabled"));
        try {
            operations.updateClient(visit.actor, visit.tenant(), id,
                    new ClientUpdate(null, null, null, null, null, null, enabled));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        Views.redirect(visit.response, href(id) + (enabled ? "?done=client-enabled" : "?done=client-disabled"));
    }

    void confirmDelete(Visit visit) {
        ClientCredential client = operations.getClient(visit.actor, visit.tenant(), clientId(visit));
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
            operations.deleteClient(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.status(), failure.message());
            return;
        }
        Views.redirect(visit.response, "/console/clients?done=client-deleted");
    }

    /** The {id} of the path; an id that can't exist is as unknown as one that doesn't. */
    private static ClientId clientId(Visit visit) {
        String value = visit.path("id");
        if (!ClientId.isValid(value)) {
            throw new NotFoundException("no such client");
        }
        return new ClientId(value);
    }

    static String href(ClientId id) {
        return "/console/clients/" + id.value();
    }

    static String secretHref(ClientId id) {
        return href(id) + "/secret";
    }

    private static ScopeSet scopes(Collection<String> names) {
        List<ScopeName> parsed = new ArrayList<>();
        for (String name : names) {
            if (!ScopeName.isValid(name)) {
                throw new IllegalArgumentException("Not a scope name: " + name);
            }
            parsed.add(new ScopeName(name));
        }
        return ScopeSet.of(parsed);
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

    /** A whole number of seconds from a form field, within bounds. */
    static long seconds(String value, String what, long min, long max) {
        long seconds;
        try {
            seconds = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number of seconds.");
        }
        if (seconds < min || seconds > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + " seconds.");
        }
        return seconds;
    }
}
