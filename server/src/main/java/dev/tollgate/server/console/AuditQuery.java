package dev.tollgate.server.console;

import java.util.LinkedHashMap;
import java.util.Map;

/** The audit filter form's fields as typed; {@code from} and {@code to} are {@code datetime-local} values in UTC. */
public record AuditQuery(String actor, String client, String action, String from, String to) {

    Map<String, String> parameters() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("actor", actor);
        map.put("client", client);
        map.put("action", action);
        map.put("from", from);
        map.put("to", to);
        return map;
    }
}
