package dev.tollgate.server.ops;

import dev.tollgate.core.tenant.TenantId;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One token issued or refused, as the audit stream writes it: one JSON object per line, every
 * field always present (null when it does not apply), so a SIEM maps the fields once.
 *
 * <pre>{@code
 * {"time":"2026-12-03T16:20:00.123456Z","event":"token.issued","tenant":"10001","client":"billing",
 *  "jti":"5f0c…","scope":"read write","audience":["api"],"address":"10.0.0.7","outcome":"issued",
 *  "error":null,"reason":null}
 * }</pre>
 * (on one line). Never the secret or the token: {@code jti} names the token.
 *
 * @param clientId a client of the tenant; null for a refusal whose presented id named none (that
 *                 text may be a secret pasted into the wrong field)
 * @param error    a refusal's OAuth error code, e.g. {@code invalid_client}
 * @param reason   a refusal's reason as metrics tag it, e.g. {@code wrong_secret}
 */
public record TokenEvent(Instant at, TenantId tenant, String clientId, String jti, String scope,
                         List<String> audience, String address, boolean issued, String error, String reason) {

    public TokenEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tenant, "tenant");
        audience = audience == null ? null : List.copyOf(audience);
    }

    /** Appends this event's line, newline included, to {@code out}. */
    void writeLine(StringBuilder out) {
        out.append("{\"time\":\"").append(at).append('"');
        out.append(",\"event\":\"").append(issued ? "token.issued" : "token.refused").append('"');
        field(out, "tenant", tenant.value());
        field(out, "client", clientId);
        field(out, "jti", jti);
        field(out, "scope", scope);
        out.append(",\"audience\":");
        if (audience == null) {
            out.append("null");
        } else {
            out.append('[');
            for (int i = 0; i < audience.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(out, audience.get(i));
            }
            out.append(']');
        }
        field(out, "address", address);
        out.append(",\"outcome\":\"").append(issued ? "issued" : "refused").append('"');
        field(out, "error", error);
        field(out, "reason", reason);
        out.append("}\n");
    }

    /** The line as UTF-8 bytes, for tests and one-off writers. */
    byte[] line() {
        StringBuilder out = new StringBuilder(256);
        writeLine(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
    }

    /**
     * RFC 8259 §7 string escaping. Written here rather than through a JSON library's object model:
     * the writer thread encodes every token event, and this appends straight into the batch.
     */
    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
