package dev.tollgate.server.console;

/** One scope checkbox of a client form: the scope, its description, and whether it is ticked. */
public record ScopeChoice(String name, String description, boolean checked) {
}
