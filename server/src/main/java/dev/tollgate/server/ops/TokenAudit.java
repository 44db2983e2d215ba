package dev.tollgate.server.ops;

import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.audit.AuditWriter;
import dev.tollgate.core.audit.TokenCounters;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.store.TokenCountRepository;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.token.TokenRefusal;
import dev.tollgate.core.token.TokenService;
import dev.tollgate.server.http.RemoteAddress;
import io.helidon.webserver.http.ServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Records every token the policy issued or refused: counted per client and minute for the
 * issuance chart ({@link TokenCounters}, in every mode), and as an event, by mode: appended to the
 * audit stream (the default; the response never waits on disk), committed to the tenant's audit
 * log before the response (the group-committing {@link AuditWriter}: an answered token request is
 * on record even if the process dies right after), or not at all.
 */
public final class TokenAudit {

    /** How a token event is recorded (key {@code audit.token-events}). */
    public enum Mode {
        /** A JSON line in the audit stream, written off the token path within the flush interval. */
        STREAM,
        /** The response waits for the batch its event went out in: nothing answered is unrecorded. */
        COMMITTED,
        /** No token events (the counts behind the chart are kept): admin changes are still audited. */
        OFF
    }

    private static final Logger LOG = LoggerFactory.getLogger(TokenAudit.class);
    /** The actor of a refusal whose presented client id names no client of the tenant. */
    public static final String UNKNOWN_CLIENT = "unknown";
    /** The action of a refused introspection request. */
    public static final String INTROSPECTION_REFUSED = "introspection.refused";

    private final Mode mode;
    private final TokenCounters counters;
    private final AuditWriter writer;
    private final TokenEventStream stream;
    private final Clock clock;

    /**
     * @param writer used in COMMITTED mode
     * @param stream used in STREAM mode; may be null in the others
     */
    public TokenAudit(Mode mode, TokenCounters counters, AuditWriter writer, TokenEventStream stream, Clock clock) {
        if (mode == Mode.STREAM && stream == null) {
            throw new IllegalArgumentException("the stream mode needs a stream");
        }
        this.mode = mode;
        this.counters = counters;
        this.writer = writer;
        this.stream = stream;
        this.clock = clock;
    }

    public void record(ServerRequest request, TenantId tenant, TokenService.Outcome outcome) {
        TokenRefusal refusal = outcome.refusal();
        if (refusal != null && refusal.reason() == TokenRefusal.Reason.UNKNOWN_TENANT) {
            return;
        }
        ClientCredential client = outcome.client();
        // Only a client the tenant has is named: a presented id that is none may be a secret pasted
        // into the wrong field, and the audit log is read by more people than the secret's owner.
        String clientId = client != null ? client.clientId().value() : null;
        counters.record(tenant, clientId != null ? clientId : TokenCountRepository.NO_CLIENT,
                outcome.isIssued() ? TokenCountRepository.Outcome.ISSUED : TokenCountRepository.Outcome.REFUSED);
        switch (mode) {
            case OFF -> {
            }
            case STREAM -> stream.offer(outcome.isIssued()
                    ? new TokenEvent(clock.instant(), tenant, clientId, outcome.token().jti(),
                            outcome.token().scopes().toSpaceDelimited(), outcome.token().audiences(),
                            RemoteAddress.of(request), true, null, null)
                    : new TokenEvent(clock.instant(), tenant, clientId, null, null, null, RemoteAddress.of(request),
                            false, refusal.error().code(), Metrics.tag(refusal.reason())));
            case COMMITTED -> commit(request, tenant, outcome, client);
        }
    }

    private void commit(ServerRequest request, TenantId tenant, TokenService.Outcome outcome, ClientCredential client) {
        TokenRefusal refusal = outcome.refusal();
        String clientId = client != null ? client.clientId().value() : UNKNOWN_CLIENT;
        Actor actor = new Actor(tenant, Actor.Kind.CLIENT, clientId, client != null ? client.name() : clientId, null,
                RemoteAddress.of(request));
        AuditEvent event = outcome.isIssued()
                ? AuditEvent.of(actor, clock.instant(), "token.issued", clientId, outcome.token().jti(), null, null,
                        "scope=" + outcome.token().scopes().toSpaceDelimited())
                : AuditEvent.of(actor, clock.instant(), "token.refused", client != null ? clientId : null, null, null,
                        null, refusal.error().code() + " (" + refusal.reason().name().toLowerCase(java.util.Locale.ROOT) + ")"
                                + (refusal.detail() == null ? "" : ": " + refusal.detail()));
        append(event, tenant, clientId);
    }

    /** An authenticated client that lacks the introspection permission asked to introspect a token. */
    public void introspectionRefused(ServerRequest request, TenantId tenant, ClientCredential client) {
        if (mode == Mode.OFF) {
            return;
        }
        String clientId = client.clientId().value();
        Actor actor = new Actor(tenant, Actor.Kind.CLIENT, clientId, client.name(), null, RemoteAddress.of(request));
        append(AuditEvent.of(actor, clock.instant(), INTROSPECTION_REFUSED, clientId, null, null, null,
                "unauthorized_client (no introspection permission)"), tenant, clientId);
    }

    private void append(AuditEvent event, TenantId tenant, String clientId) {
        try {
            writer.append(event);
        } catch (StoreException | IllegalStateException e) {
            // The token path keeps serving from its caches through a store outage; the audit of
            // those requests is what the outage costs, and the log says so.
            LOG.warn("token audit event not written ({}): {} {} for client {}", e.getMessage(), event.action(),
                    tenant.value(), clientId);
        }
    }

}
