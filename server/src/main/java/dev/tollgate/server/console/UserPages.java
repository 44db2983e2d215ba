package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.NotFoundException;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.user.User;
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
        render(visit, Status.OK_200, UserForm.EMPTY, null);
    }

    private void render(Visit visit, Status status, UserForm form, String error) {
        int number = visit.pageNumber();
        Page<User> page = operations.listUsers(visit.actor, visit.tenant(), (number - 1) * PAGE_SIZE, PAGE_SIZE);
        views.send(visit.response, status, "users", visit.frame("Users", Frame.Section.USERS).withError(error),
                "page", page, "paging", Paging.of(page, number, "/console/users", Map.of()), "form", form);
    }

    void create(Visit visit) {
        UserForm form = new UserForm(visit.form.value("username").strip(), visit.form.value("email").strip(),
                visit.form.value("first_name").strip(), visit.form.value("last_name").strip());
        try {
            operations.createUser(visit.actor, visit.tenant(), form.username(), form.email(),
                    blankToNull(form.firstName()), blankToNull(form.lastName()));
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.status(), form, failure.message());
            return;
        }
        Views.redirect(visit.response, "/console/users?done=user-created");
    }

    void delete(Visit visit) {
        String id = visit.path("id");
        if (!User.isId(id)) {
            throw new NotFoundException("no such user");
        }
        try {
            operations.deleteUser(visit.actor, visit.tenant(), id);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.status(), UserForm.EMPTY, failure.message());
            return;
        }
        Views.redirect(visit.response, "/console/users?done=user-deleted");
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
