package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.scope.ScopeDefinition;
import dev.tollgate.core.scope.ScopeName;
import io.helidon.http.Status;

/**
 * Settings → Scopes: the tenant's scopes with their descriptions. Scope names may hold '/' or ':'
 * (URLs, {@code admin:…}), so they travel in form fields, not in paths.
 */
final class ScopePages {

    private final AdminOperations operations;
    private final Views views;

    ScopePages(AdminOperations operations, Views views) {
        this.operations = operations;
        this.views = views;
    }

    void list(Visit visit) {
        render(visit, Status.OK_200, "", "", null, new FieldErrors());
    }

    private void render(Visit visit, Status status, String name, String description, String error,
                        FieldErrors errors) {
        views.send(visit.response, status, "scopes",
                visit.frame("Scopes", Frame.Section.SCOPES).withError(error).withFields(errors),
                "scopes", operations.scopes().list(visit.actor, visit.tenant()), "name", name,
                "description", description);
    }

    void create(Visit visit) {
        String name = visit.form.value("name").strip();
        String description = visit.form.value("description");
        FieldErrors errors = new FieldErrors();
        if (!ScopeName.isValid(name)) {
            errors.add("name", "A scope name is 1-" + ScopeName.MAX_LENGTH
                    + " printable ASCII characters without spaces, quotes or backslashes.");
        }
        if (description.strip().length() > ScopeDefinition.MAX_DESCRIPTION_LENGTH) {
            errors.add("description", "A description is at most " + ScopeDefinition.MAX_DESCRIPTION_LENGTH
                    + " characters.");
        }
        if (!errors.isEmpty()) {
            render(visit, Status.BAD_REQUEST_400, name, description, null, errors);
            return;
        }
        try {
            operations.scopes().create(visit.actor, visit.tenant(), new ScopeDefinition(new ScopeName(name), description));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.answer(visit.response), name, description, failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/scopes?done=scope-created");
    }

    void describe(Visit visit) {
        ScopeName name = name(visit);
        try {
            operations.scopes().describe(visit.actor, visit.tenant(), name, visit.form.value("description"));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.answer(visit.response), "", "", failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/scopes?done=scope-described");
    }

    void delete(Visit visit) {
        ScopeName name = name(visit);
        try {
            operations.scopes().delete(visit.actor, visit.tenant(), name);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.answer(visit.response), "", "", failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/scopes?done=scope-deleted");
    }

    private static ScopeName name(Visit visit) {
        String value = visit.form.value("name");
        if (!ScopeName.isValid(value)) {
            throw new AdminFailure.NotFound("no such scope");
        }
        return new ScopeName(value);
    }
}
