package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.tenant.TenantSettings;
import io.helidon.http.Status;

import java.util.Set;

/**
 * Settings → Tenant: the authorities and audiences credential managers may give clients. Those
 * who manage clients see the lists (they say what the client forms accept); a tenant admin edits
 * them, one value a line.
 */
final class TenantSettingsPages {

    static final String PATH = "/console/settings";

    private final AdminOperations operations;
    private final Views views;

    TenantSettingsPages(AdminOperations operations, Views views) {
        this.operations = operations;
        this.views = views;
    }

    void show(Visit visit) {
        TenantSettings settings = operations.tenants().settings(visit.actor, visit.tenant());
        render(visit, Status.OK_200, String.join("\n", settings.allowedAuthorities()),
                String.join("\n", settings.allowedAudiences()), settings, new FieldErrors(), null);
    }

    void save(Visit visit) {
        String authorities = visit.form.value("allowed_authorities");
        String audiences = visit.form.value("allowed_audiences");
        try {
            operations.tenants().updateAllowLists(visit.actor, visit.tenant(), ClientForm.split(authorities),
                    ClientForm.split(audiences));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            FieldErrors refused = failure.fieldErrors(Set.of("allowed_authorities", "allowed_audiences"));
            render(visit, failure.answer(visit.response), authorities, audiences,
                    operations.tenants().settings(visit.actor, visit.tenant()), refused,
                    refused.isEmpty() ? failure.message() : null);
            return;
        }
        Views.redirect(visit.response, PATH + "?done=tenant-settings");
    }

    private void render(Visit visit, Status status, String authorities, String audiences, TenantSettings settings,
                        FieldErrors errors, String error) {
        views.send(visit.response, status, "settings",
                visit.frame("Tenant settings", Frame.Section.SETTINGS).withError(error).withFields(errors),
                "authorities", authorities, "audiences", audiences, "defaultAudience", settings.defaultAudience(),
                "editable", visit.actor.holdsEveryCapability());
    }
}
