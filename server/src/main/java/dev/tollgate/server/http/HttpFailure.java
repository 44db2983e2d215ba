package dev.tollgate.server.http;

import com.nimbusds.oauth2.sdk.ErrorObject;

/** A request that can't be served, carrying the OAuth error object the endpoint answers with. */
public final class HttpFailure extends Exception {

    private final ErrorObject error;

    HttpFailure(ErrorObject error) {
        super(error.getDescription(), null, false, false);
        this.error = error;
    }

    HttpFailure(String code, String description, int status) {
        this(new ErrorObject(code, description, status));
    }

    public ErrorObject error() {
        return error;
    }
}
