package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.scope.ScopeSet;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.EnumSet;
import java.util.stream.Collectors;

/** How the console writes values for people: times in UTC, durations in words, lists joined. */
public final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
            .withZone(ZoneOffset.UTC);

    private Format() {
    }

    public static String time(Instant at) {
        return at == null ? "—" : TIME.format(at) + " UTC";
    }

    /** The value a {@code datetime-local} input shows for {@code at}, read back as UTC. */
    public static String inputTime(Instant at) {
        return at == null ? "" : INPUT.format(at);
    }

    public static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86400 == 0) {
            return plural(seconds / 86400, "day");
        }
        if (seconds % 3600 == 0) {
            return plural(seconds / 3600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    public static String scopes(ScopeSet scopes) {
        return scopes.isEmpty() ? "none" : scopes.toSpaceDelimited();
    }

    public static String list(Collection<String> values) {
        return values.isEmpty() ? "none" : String.join(" ", values);
    }

    /** One value a line, as a textarea shows a list. */
    public static String lines(Collection<String> values) {
        return String.join("\n", values);
    }

    public static String role(AdminRole role) {
        return role == AdminRole.ADMIN ? "Admin" : "Additional admin";
    }

    public static String capability(Capability capability) {
        return switch (capability) {
            case MANAGE_CLIENT_CREDENTIALS -> "Manage client credentials";
            case MANAGE_SCOPES -> "Manage scopes";
            case MANAGE_USERS -> "Manage users";
            case MANAGE_ADMINS -> "Manage admins";
            case VIEW_AUDIT -> "View audit log";
        };
    }

    public static String capabilities(AdminRole role, Collection<Capability> capabilities) {
        if (role == AdminRole.ADMIN) {
            return "everything";
        }
        if (capabilities.isEmpty()) {
            return "none";
        }
        return EnumSet.copyOf(capabilities).stream().map(Capability::wireName).collect(Collectors.joining(", "));
    }

    /** Long ids (UUIDs, token ids) cut to their first characters for a table cell; the full value goes in a title. */
    public static String shortId(String id) {
        return id.length() > 13 ? id.substring(0, 8) + "…" : id;
    }

    /** A value for a query string; the template escapes the whole URL for its attribute on top. */
    public static String query(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String orDash(String value) {
        return value == null || value.isEmpty() ? "—" : value;
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
