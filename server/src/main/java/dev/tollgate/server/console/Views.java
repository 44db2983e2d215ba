package dev.tollgate.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Renders the console's jte templates, compiled at build time; every {@code ${}} is HTML-escaped. */
final class Views {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** @param params name, value, name, value…; values may be null */
    void send(ServerResponse response, Status status, String template, Frame frame, Object... params) {
        Map<String, Object> model = new HashMap<>();
        model.put("frame", frame);
        for (int i = 0; i < params.length; i += 2) {
            model.put((String) params[i], params[i + 1]);
        }
        StringOutput out = new StringOutput();
        engine.render("console/" + template + ".jte", model, out);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        response.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    void error(ServerResponse response, Status status, Frame frame, String heading, String message) {
        send(response, status, "error", frame.withError(null), "status", status.code(), "heading", heading,
                "message", message);
    }

    static void redirect(ServerResponse response, String location) {
        response.status(Status.SEE_OTHER_303);
        response.header(HeaderNames.LOCATION, location);
        response.send();
    }
}
