package dev.tollgate.server.console;

/** The new-user form's fields, shown again after a refusal. */
public record UserForm(String username, String email, String firstName, String lastName) {
    static final UserForm EMPTY = new UserForm("", "", "", "");
}
