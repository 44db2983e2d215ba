package dev.tollgate.server.http;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The peer's IP address as text, for audit records and per-address limits. */
public final class RemoteAddress {

    private RemoteAddress() {
    }

    /** The connection's peer, never a header: {@code X-Forwarded-For} is whatever the client says it is. */
    public static String of(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
