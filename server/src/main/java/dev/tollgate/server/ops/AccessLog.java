package dev.tollgate.server.ops;

import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.http.PathTenant;
import dev.tollgate.server.http.RemoteAddress;
import io.helidon.webserver.http.ServerRequest;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;


/**
 * One line per request on the {@code tollgate.access} logger, with its fields in a marker: keys of
 * the JSON object in the JSON format, {@code {key=value, …}} after the message in the text one.
 *
 * <p>Only values the server chose or checked are written: the method, the route's pattern (never
 * the request's path, whose query string may carry credentials), the status, the latency, the
 * client's address as {@link RemoteAddress} decided it, a
 * tenant id that passed {@link TenantId#isValid}, the id of a client the store knows, and the
 * token outcome. Never a header, a query string or a body: they carry secrets and tokens.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("tollgate.access");

    /** What the token endpoint learned about a request, registered in the request's context. */
    public record TokenNote(String tenant, String client, String outcome) {
    }

    private AccessLog() {
    }

    /** Tells the access log how the policy decided a token request. */
    public static void noteOutcome(ServerRequest request, TenantId tenant, TokenService.Outcome outcome) {
        String client = outcome.client() != null ? outcome.client().clientId().value() : null;
        String result = outcome.isIssued() ? "issued" : Metrics.tag(outcome.refusal().reason());
        request.context().register(new TokenNote(tenant.value(), client, result));
    }

    /** Tells the access log a token request was refused before the policy; the tenant may be null. */
    public static void noteRefusedEarly(ServerRequest request, TenantId tenant, TokenRefusal.Reason reason) {
        request.context().register(new TokenNote(tenant != null ? tenant.value() : null, null, Metrics.tag(reason)));
    }

    /**
     * @param failure what the handler threw, or null; the routing's error handlers answer it with
     *                503 (store) or 500 (anything else), after this line is written
     */
    static void record(String route, ServerRequest request, int status, Throwable failure, long nanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        if (failure != null) {
            status = failure instanceof StoreException ? 503 : 500;
        }
        TokenNote note = request.context().get(TokenNote.class).orElse(null);
        TenantId pathTenant = PathTenant.of(request);
        String tenant = pathTenant != null ? pathTenant.value() : note != null ? note.tenant() : null;
        Map<String, Object> fields = new LinkedHashMap<>(16);
        fields.put("method", request.prologue().method().text());
        fields.put("route", route);
        fields.put("status", status);
        fields.put("latency_ms", TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0);
        // The address the limits and the audit see: X-Forwarded-For only from a trusted proxy.
        fields.put("address", RemoteAddress.of(request));
        if (tenant != null) {
            fields.put("tenant", tenant);
        }
        if (note != null && note.client() != null) {
            fields.put("client", note.client());
        }
        if (note != null) {
            fields.put("outcome", note.outcome());
        }
        // A marker, not message arguments: the asynchronous appender formats messages on the
        // request thread, while marker entries are rendered by the encoder on its own thread.
        LOG.info(Markers.appendEntries(fields), "access");
    }
}
