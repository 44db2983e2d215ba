package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body as strict UTF-8 within a size limit. Invalid UTF-8 is refused rather than
 * replaced, so a value never changes meaning between what the client sent and what we check.
 */
public final class RequestBody {

    private RequestBody() {
    }

    public static String read(ServerRequest request, int maxBytes) throws HttpFailure {
        var declared = request.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        if (!request.content().hasEntity()) {
            return "";
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            // readNBytes allocates its chunk by the length asked for (up to 8 KB): a declared length
            // asks for just that, plus one byte to notice a body longer than declared.
            bytes = in.readNBytes(declared.isPresent() ? (int) declared.getAsLong() + 1 : maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
        } catch (IOException | RuntimeException e) {
            // Helidon refuses bodies over its own limit while we read: still the client's fault.
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "request body could not be read", 400);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "request body is not valid UTF-8", 400);
        }
    }

    private static HttpFailure tooLarge(int maxBytes) {
        return new HttpFailure(OAuth2Error.INVALID_REQUEST_CODE, "request body is larger than " + maxBytes + " bytes", 413);
    }
}
