package dev.tollgate.server.console;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.tenant.TenantId;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * One request of a signed-in admin: who they are (as the audit log names them), their session,
 * and the posted form for a POST (empty for a GET).
 */
final class Visit {

    final ServerRequest request;
    final ServerResponse response;
    final Authenticated who;
    final String sessionId;
    final Actor actor;
    final Form form;
    private final String tenantName;

    /** @param tenantName the tenant's name as the top bar shows it; null when unknown */
    Visit(ServerRequest request, ServerResponse response, Authenticated who, String sessionId, String address,
          Form form, String tenantName) {
        this.request = request;
        this.response = response;
        this.who = who;
        this.sessionId = sessionId;
        this.actor = Actor.admin(who.admin(), address);
        this.form = form;
        this.tenantName = tenantName;
    }

    TenantId tenant() {
        return who.admin().tenantId();
    }

    Frame frame(String title, Frame.Section section) {
        String id = tenant().value();
        // A tenant's default name is "Tenant <id>": the id alone says as much.
        String name = tenantName == null || tenantName.equals(id) || tenantName.equals("Tenant " + id) ? null
                : tenantName;
        return new Frame(title, section, id, name, who.admin().username(), who.session().csrfToken(),
                who.admin().effectiveCapabilities(), who.admin().mustChangePassword(), notice().orElse(null), null,
                null);
    }

    /** A query parameter, "" when absent. */
    String query(String name) {
        return request.query().first(name).orElse("");
    }

    String path(String name) {
        return request.path().pathParameters().get(name);
    }

    /** The 1-based {@code page} query parameter, 1 when absent or not a number. */
    int pageNumber() {
        try {
            int page = Integer.parseInt(query("page"));
            return Math.clamp(page, 1, Paging.MAX_PAGE);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The fixed message a redirect after a change asked for ({@code ?done=}); never text from the URL itself. */
    private Optional<String> notice() {
        return Notices.message(query("done"));
    }
}
