package dev.tollgate.server.console;

import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.PasswordHasher;
import io.helidon.http.Status;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settings → Admins: who may sign in to this tenant's console, and with which capabilities. A new
 * admin's generated password is shown on the page the create form redirects to, to its first GET only.
 */
final class AdminPages {

    private static final String PASSWORD = "password";

    private final AdminOperations operations;
    private final Views views;
    private final ShownOnce shownOnce;

    AdminPages(AdminOperations operations, Views views, ShownOnce shownOnce) {
        this.operations = operations;
        this.views = views;
        this.shownOnce = shownOnce;
    }

    void list(Visit visit) {
        render(visit, Status.OK_200, "", AdminRole.ADDITIONAL_ADMIN, Set.of(), null, new FieldErrors());
    }

    private void render(Visit visit, Status status, String username, AdminRole role, Set<Capability> capabilities,
                        String error, FieldErrors errors) {
        List<Admin> admins = operations.administrators().list(visit.actor, visit.tenant());
        views.send(visit.response, status, "admins",
                visit.frame("Admins", Frame.Section.ADMINS).withError(error).withFields(errors),
                "admins", admins, "self", visit.who.admin().id(), "username", username, "role", role,
                "capabilities", capabilities, "allCapabilities", List.of(Capability.values()),
                "minPasswordLength", PasswordHasher.MIN_LENGTH);
    }

    void create(Visit visit) {
        String username = visit.form.value("username").strip();
        FieldErrors errors = new FieldErrors();
        if (!Admin.isValidUsername(username)) {
            errors.add("username", "A username is 1-64 characters: letters, digits, '.', '_', '@' or '-'.");
        }
        AdminRole role = role(visit.form.value("role"), errors);
        Set<Capability> capabilities = capabilities(visit.form.values("capability"), errors);
        if (!errors.isEmpty()) {
            render(visit, Status.BAD_REQUEST_400, username, role == null ? AdminRole.ADDITIONAL_ADMIN : role,
                    capabilities, null, errors);
            return;
        }
        AdminWithPassword created;
        try {
            created = operations.administrators().create(visit.actor, visit.tenant(), username, role, capabilities);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.answer(visit.response), username, role, capabilities, failure.message(), new FieldErrors());
            return;
        }
        String path = createdHref(created.admin().id());
        shownOnce.hand(visit.response, visit.sessionId, path, Map.of(PASSWORD, created.password()));
        Views.redirect(visit.response, path);
    }

    /** The generated password, to the first GET after the redirect; the admin must replace it at first sign-in. */
    void created(Visit visit) {
        Admin admin = operations.administrators().get(visit.actor, visit.tenant(), visit.path("id"));
        Optional<String> password = shownOnce.take(visit.request, visit.response, visit.sessionId,
                createdHref(admin.id())).map(fields -> fields.get(PASSWORD));
        views.send(visit.response, password.isPresent() ? Status.OK_200 : Status.GONE_410, "adminCreated",
                visit.frame(password.isPresent() ? "Admin created" : "Password already shown", Frame.Section.ADMINS),
                "admin", admin, "password", password.orElse(null));
    }

    static String createdHref(String adminId) {
        return "/console/admins/" + adminId + "/created";
    }

    void detail(Visit visit) {
        renderDetail(visit, Status.OK_200, null, new FieldErrors());
    }

    private void renderDetail(Visit visit, Status status, String error, FieldErrors errors) {
        Admin admin = operations.administrators().get(visit.actor, visit.tenant(), visit.path("id"));
        views.send(visit.response, status, "admin",
                visit.frame(admin.username(), Frame.Section.ADMINS).withError(error).withFields(errors),
                "admin", admin, "self", visit.who.admin().id().equals(admin.id()),
                "allCapabilities", List.of(Capability.values()));
    }

    void update(Visit visit) {
        String id = visit.path("id");
        FieldErrors errors = new FieldErrors();
        AdminRole role = role(visit.form.value("role"), errors);
        Set<Capability> capabilities = capabilities(visit.form.values("capability"), errors);
        if (!errors.isEmpty()) {
            renderDetail(visit, Status.BAD_REQUEST_400, null, errors);
            return;
        }
        try {
            operations.administrators().update(visit.actor, visit.tenant(), id, role, capabilities);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/admins/" + id + "?done=admin-updated");
    }

    void delete(Visit visit) {
        String id = visit.path("id");
        try {
            operations.administrators().delete(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/admins?done=admin-deleted");
    }

    void resetTotp(Visit visit) {
        String id = visit.path("id");
        try {
            operations.administrators().resetTotp(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            renderDetail(visit, failure.answer(visit.response), failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/admins/" + id + "?done=totp-reset");
    }

    /** The chosen role, or null with a message. */
    private static AdminRole role(String value, FieldErrors errors) {
        return switch (value) {
            case "admin" -> AdminRole.ADMIN;
            case "additional_admin" -> AdminRole.ADDITIONAL_ADMIN;
            default -> {
                errors.add("role", "Choose a role.");
                yield null;
            }
        };
    }

    /** The ticked capabilities; any this console does not know is named in a message. */
    private static Set<Capability> capabilities(List<String> values, FieldErrors errors) {
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        List<String> unknown = new ArrayList<>();
        for (String value : values) {
            Capability.fromWireName(value).ifPresentOrElse(capabilities::add, () -> unknown.add(value));
        }
        if (!unknown.isEmpty()) {
            errors.add("capability", "Unknown capability: " + String.join(" ", unknown) + ".");
        }
        return capabilities;
    }
}
