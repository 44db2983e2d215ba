package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.user.User;
import dev.tollgate.core.user.UserValidation;
import io.helidon.http.Status;

import java.util.Map;

/** Users: the users API's directory of this tenant. */
final class UserPages {

    static final int PAGE_SIZE = 20;

    private final AdminOperations operations;
    private final Views views;

    UserPages(AdminOperations operations, Views views) {
        this.operations = operations;
        this.views = views;
    }

    void list(Visit visit) {
        render(visit, Status.OK_200, UserForm.EMPTY, null, new FieldErrors());
    }

    private void render(Visit visit, Status status, UserForm form, String error, FieldErrors errors) {
        int number = visit.pageNumber();
        Page<User> page = operations.users().list(visit.actor, visit.tenant(), null, (number - 1) * PAGE_SIZE, PAGE_SIZE);
        views.send(visit.response, status, "users",
                visit.frame("Users", Frame.Section.USERS).withError(error).withFields(errors),
                "page", page, "paging", Paging.of(page, number, "/console/users", Map.of()), "form", form);
    }

    void create(Visit visit) {
        UserForm form = new UserForm(visit.form.value("username").strip(), visit.form.value("email").strip(),
                visit.form.value("first_name").strip(), visit.form.value("last_name").strip());
        // The users API's own check, which names every bad field at once.
        UserValidation check = UserValidation.of(form.username(), form.email(), blankToNull(form.firstName()),
                blankToNull(form.lastName()));
        if (!check.isValid()) {
            FieldErrors errors = new FieldErrors();
            check.errors().forEach((field, problem) -> errors.add(field, sentence(field, problem)));
            render(visit, Status.BAD_REQUEST_400, form, null, errors);
            return;
        }
        try {
            operations.users().create(visit.actor, visit.tenant(), form.username(), form.email(),
                    blankToNull(form.firstName()), blankToNull(form.lastName()));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.status(), form, failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/users?done=user-created");
    }

    /** {@code "email", "required"} → "Email is required."; the validation speaks in fragments. */
    private static String sentence(String field, String problem) {
        String label = switch (field) {
            case UserValidation.USERNAME -> "Username";
            case UserValidation.EMAIL -> "Email";
            case UserValidation.FIRST_NAME -> "First name";
            case UserValidation.LAST_NAME -> "Last name";
            default -> field;
        };
        return label + (problem.equals("required") ? " is required." : " " + problem + ".");
    }

    void delete(Visit visit) {
        String id = visit.path("id");
        if (!User.isId(id)) {
            throw new AdminFailure.NotFound("no such user");
        }
        try {
            operations.users().delete(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.status(), UserForm.EMPTY, failure.message(), new FieldErrors());
            return;
        }
        Views.redirect(visit.response, "/console/users?done=user-deleted");
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
