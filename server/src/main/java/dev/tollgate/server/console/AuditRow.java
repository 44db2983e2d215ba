package dev.tollgate.server.console;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.audit.AuditEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One event of the audit page, laid out for reading: names beside the ids the log recorded, and
 * the change as a field-by-field diff.
 *
 * @param actorName  the actor as named when it acted; null when that is only its id
 * @param clientName the name of the client the event concerns, where known
 * @param targetName the name of the object changed (client, admin, user), where known and not its id
 * @param changes    every field before and after; empty for events without an object (tokens, logins)
 */
public record AuditRow(AuditEvent event, String actorName, String clientName, String targetName,
                       List<AuditChange> changes) {

    public boolean hasChanges() {
        return !changes.isEmpty();
    }

    /** The one line that stands for the diff until it is opened. */
    public String summary() {
        if (event.before() == null) {
            return "Created with " + changes.size() + (changes.size() == 1 ? " field" : " fields");
        }
        if (event.after() == null) {
            return "Deleted; it had " + changes.size() + (changes.size() == 1 ? " field" : " fields");
        }
        List<String> changed = changes.stream().filter(AuditChange::changed).map(AuditChange::field).toList();
        return changed.isEmpty() ? "No field changed" : "Changed: " + String.join(", ", changed);
    }

    /**
     * The page's rows. Names come from {@code current} (the clients and admins as they are now)
     * and, for what no longer exists, from the events themselves: the objects their before and
     * after record, and the names actors had when they acted. The newest record wins.
     */
    static List<AuditRow> of(List<AuditEvent> events, Map<String, String> current) {
        Map<String, String> names = new HashMap<>();
        for (AuditEvent event : events) {
            for (String json : new String[] {event.after(), event.before()}) {
                Map<String, Object> object = AuditChange.object(json);
                if (object == null) {
                    continue;
                }
                name(names, object.get("client_id"), object.get("name"));
                name(names, object.get("id"), object.get("username"));
            }
            if (event.actorKind() == Actor.Kind.ADMIN || event.actorKind() == Actor.Kind.CLIENT) {
                name(names, event.actorId(), event.actorName());
            }
        }
        names.putAll(current);
        List<AuditRow> rows = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            String actor = event.actorName() == null || event.actorName().equals(event.actorId()) ? null
                    : event.actorName();
            String client = event.clientId() == null ? null : names.get(event.clientId());
            String target = event.target() == null ? null : names.get(event.target());
            rows.add(new AuditRow(event, actor, client, target, AuditChange.diff(event.before(), event.after())));
        }
        return List.copyOf(rows);
    }

    /** The ids on a page that may name a client or an admin, to look their names up. */
    static Set<String> ids(List<AuditEvent> events) {
        Set<String> ids = new LinkedHashSet<>();
        for (AuditEvent event : events) {
            ids.add(event.actorId());
            if (event.clientId() != null) {
                ids.add(event.clientId());
            }
            if (event.target() != null) {
                ids.add(event.target());
            }
        }
        return ids.stream().filter(id -> !id.isBlank()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void name(Map<String, String> names, Object id, Object name) {
        if (id instanceof String key && name instanceof String value && !value.isBlank() && !value.equals(key)) {
            names.putIfAbsent(key, value);
        }
    }
}
