package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The checks every OAuth form POST shares: method, body, content type, percent-encoding, no repeats. */
final class FormBody {

    private FormBody() {
    }

    /** RFC 9110 §15.5.6: a 405 must say which methods are allowed. */
    static void requirePost(ServerRequest request, ServerResponse response, String endpoint) throws HttpFailure {
        if (request.prologue().method() != Method.POST) {
            response.header(HeaderNames.ALLOW, "POST");
            throw new HttpFailure(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, endpoint + " accepts POST only",
                    405));
        }
    }

    /** The body as strict UTF-8 within {@code maxBytes}; a non-empty one must be a form. */
    static String read(ServerRequest request, int maxBytes) throws HttpFailure {
        String body = RequestBody.read(request, maxBytes);
        if (!body.isEmpty() && !RequestContentType.is(request, RequestContentType.FORM)) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                    "Content-Type must be " + RequestContentType.FORM, 400);
        }
        return body;
    }

    /** Nimbus's parse of a form-encoded string, after {@link #requireWellFormedPercentEncoding}. */
    static Map<String, List<String>> parse(String encoded) throws HttpFailure {
        requireWellFormedPercentEncoding(encoded);
        return URLUtils.parseParameters(encoded);
    }

    /**
     * Nimbus silently drops a parameter whose percent-encoding is malformed, so {@code scope=%ZZ} would
     * become "no scope", i.e. the client's defaults. Refuse it instead.
     */
    static void requireWellFormedPercentEncoding(String encoded) throws HttpFailure {
        if (encoded == null) {
            return;
        }
        for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
            if (i + 2 >= encoded.length() || !HexFormat.isHexDigit(encoded.charAt(i + 1))
                    || !HexFormat.isHexDigit(encoded.charAt(i + 2))) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "malformed percent-encoding", 400);
            }
        }
    }

    /** RFC 6749 §3.2: parameters must not be included more than once, except RFC 8707 §2's resource. */
    static Map<String, List<String>> single(Map<String, List<String>> params) throws HttpFailure {
        for (Map.Entry<String, List<String>> entry : params.entrySet()) {
            if (entry.getValue().size() > 1 && !entry.getKey().equals("resource")) {
                throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE,
                        "parameter " + PrintableEcho.inErrorDescription(entry.getKey(), 40) + " is repeated", 400);
            }
        }
        return params;
    }
}
