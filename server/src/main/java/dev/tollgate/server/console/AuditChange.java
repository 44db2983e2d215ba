package dev.tollgate.server.console;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One field of an audited object, before and after the change, as the audit page shows it: a
 * changed field is highlighted, an unchanged one muted. Values are written for people (lists
 * space-separated as scopes are, objects one a line) and escaped by the template like any text.
 *
 * @param before null when the field did not exist before (the object was created)
 * @param after  null when it does not exist after (the object was deleted)
 */
public record AuditChange(String field, String before, String after, Kind kind) {

    public enum Kind { SAME, CHANGED, ADDED, REMOVED }

    public boolean changed() {
        return kind != Kind.SAME;
    }

    /**
     * The fields of {@code before} and {@code after} (JSON objects as the audit log stores them),
     * in the order the objects list them; empty when neither is an object.
     */
    static List<AuditChange> diff(String before, String after) {
        Map<String, Object> old = object(before);
        Map<String, Object> now = object(after);
        Set<String> fields = new LinkedHashSet<>();
        if (old != null) {
            fields.addAll(old.keySet());
        }
        if (now != null) {
            fields.addAll(now.keySet());
        }
        List<AuditChange> changes = new ArrayList<>(fields.size());
        for (String field : fields) {
            boolean wasThere = old != null && old.containsKey(field);
            boolean isThere = now != null && now.containsKey(field);
            String from = wasThere ? text(old.get(field)) : null;
            String to = isThere ? text(now.get(field)) : null;
            Kind kind = !wasThere ? Kind.ADDED : !isThere ? Kind.REMOVED
                    : Objects.equals(old.get(field), now.get(field)) ? Kind.SAME : Kind.CHANGED;
            changes.add(new AuditChange(field, from, to, kind));
        }
        return List.copyOf(changes);
    }

    /** A JSON object, or null for no value or anything else (the page then shows no diff). */
    static Map<String, Object> object(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            return null;
        }
    }

    private static String text(Object value) {
        return switch (value) {
            case null -> "—";
            case List<?> list when list.isEmpty() -> "none";
            case List<?> list when list.stream().anyMatch(item -> item instanceof Map<?, ?>) ->
                    list.stream().map(AuditChange::text).collect(Collectors.joining("\n"));
            case List<?> list -> list.stream().map(AuditChange::text).collect(Collectors.joining(" "));
            case Map<?, ?> map -> new LinkedHashMap<>(map).entrySet().stream()
                    .map(e -> e.getKey() + " " + text(e.getValue())).collect(Collectors.joining(", "));
            case Double number when number == Math.rint(number) && !number.isInfinite() ->
                    Long.toString(number.longValue());
            default -> value.toString();
        };
    }
}
