package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.TenantOperations;
import dev.tollgate.core.tenant.TenantSettings;
import io.helidon.http.Status;

import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Settings → Tenant: the authorities and audiences credential managers may give clients, and how
 * often the signing keys rotate on their own. Those who manage clients see them (the lists say what
 * the client forms accept); a tenant admin edits them, one list value a line.
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
                String.join("\n", settings.allowedAudiences()),
                TenantOperations.formatKeyRotationInterval(settings.keyRotationInterval()), settings,
                new FieldErrors(), null);
    }

    void save(Visit visit) {
        String authorities = visit.form.value("allowed_authorities");
        String audiences = visit.form.value("allowed_audiences");
        // A form from before the field existed (an open tab across an upgrade) leaves the interval as it is.
        String interval = visit.form.values(TenantOperations.KEY_ROTATION_INTERVAL).isEmpty() ? null
                : visit.form.value(TenantOperations.KEY_ROTATION_INTERVAL);
        try {
            UnaryOperator<TenantSettings> keyRotation = interval == null ? UnaryOperator.identity()
                    : rotationSetter(TenantOperations.parseKeyRotationInterval(interval));
            operations.tenants().updateTenantAdminSettings(visit.actor, visit.tenant(), ClientForm.split(authorities),
                    ClientForm.split(audiences), keyRotation);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            FieldErrors refused = failure.fieldErrors(Set.of("allowed_authorities", "allowed_audiences",
                    TenantOperations.KEY_ROTATION_INTERVAL));
            render(visit, failure.answer(visit.response), authorities, audiences, interval == null
                            ? TenantOperations.formatKeyRotationInterval(operations.tenants()
                                    .settings(visit.actor, visit.tenant()).keyRotationInterval()) : interval,
                    operations.tenants().settings(visit.actor, visit.tenant()), refused,
                    refused.isEmpty() ? failure.message() : null);
            return;
        }
        Views.redirect(visit.response, PATH + "?done=tenant-settings");
    }

    private static UnaryOperator<TenantSettings> rotationSetter(Duration interval) {
        return settings -> settings.withKeyRotationInterval(interval);
    }

    private void render(Visit visit, Status status, String authorities, String audiences, String keyRotationInterval,
                        TenantSettings settings, FieldErrors errors, String error) {
        views.send(visit.response, status, "settings",
                visit.frame("Tenant settings", Frame.Section.SETTINGS).withError(error).withFields(errors),
                "authorities", authorities, "audiences", audiences, "defaultAudience", settings.defaultAudience(),
                "keyRotationInterval", keyRotationInterval,
                "editable", visit.actor.holdsEveryCapability());
    }
}
