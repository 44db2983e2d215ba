package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminOperations;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.store.AuditRepository;
import io.helidon.http.Status;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The audit log: who did what, when, from where, with before and after as a diff and names beside
 * the ids; filtered and paged, newest first.
 */
final class AuditPages {

    static final int PAGE_SIZE = 50;

    private final AdminOperations operations;
    private final Views views;

    AuditPages(AdminOperations operations, Views views) {
        this.operations = operations;
        this.views = views;
    }

    void list(Visit visit) {
        AuditQuery query = new AuditQuery(visit.query("actor").strip(), visit.query("client").strip(),
                visit.query("action").strip(), visit.query("from").strip(), visit.query("to").strip());
        int number = visit.pageNumber();
        Status status = Status.OK_200;
        String error = null;
        AuditRepository.Filter filter;
        try {
            filter = new AuditRepository.Filter(blankToNull(query.actor()), blankToNull(query.client()),
                    blankToNull(query.action()), time(query.from(), "From"), time(query.to(), "To"));
        } catch (IllegalArgumentException e) {
            status = Status.BAD_REQUEST_400;
            error = e.getMessage();
            filter = null;
        }
        Page<AuditEvent> page = filter == null ? new Page<>(List.of(), 0, PAGE_SIZE, 0)
                : operations.audit().query(visit.actor, visit.tenant(), filter, (number - 1) * PAGE_SIZE, PAGE_SIZE);
        List<AuditRow> rows = AuditRow.of(page.items(),
                operations.audit().names(visit.actor, visit.tenant(), AuditRow.ids(page.items())));
        views.send(visit.response, status, "audit", visit.frame("Audit log", Frame.Section.AUDIT).withError(error),
                "page", page, "rows", rows, "query", query,
                "paging", Paging.of(page, number, "/console/audit", query.parameters()));
    }

    private static Instant time(String value, String what) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a date and time such as 2025-01-31T13:45 (UTC).");
        }
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
