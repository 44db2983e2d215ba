package dev.tollgate.server.http;

import dev.tollgate.server.config.TrustedProxies;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client's IP address as text, for per-address limits, audit records and the access log: the
 * one place that decides it. It is the connection's peer, unless the peer is one of the
 * configured {@link TrustedProxies}: then it is the right-most {@code X-Forwarded-For} entry that
 * is not itself a trusted proxy. Entries left of that one were written by whoever the proxy
 * talked to, and may be anything (a client forging a header cannot pick its right-most entry,
 * which its proxy appends).
 *
 * <p>{@link #register} adds a filter that decides once per request; {@link #of} reads the decision.
 */
public final class RemoteAddress {

    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");

    /** The decision, in the request's context. */
    private record Resolved(String address) {
    }

    private final TrustedProxies trusted;

    public RemoteAddress(TrustedProxies trusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted");
    }

    /** Decides every request's address before any route runs. */
    public void register(HttpRouting.Builder routing) {
        routing.addFilter((chain, request, response) -> {
            request.context().register(new Resolved(resolve(request)));
            chain.proceed();
        });
    }

    /** The address {@link #register}'s filter decided; the peer where no filter ran (a bare routing in a test). */
    public static String of(ServerRequest request) {
        return request.context().get(Resolved.class).map(Resolved::address).orElseGet(() -> peer(request));
    }

    private String resolve(ServerRequest request) {
        if (trusted.isEmpty()) {
            return peer(request);
        }
        SocketAddress socket = request.remotePeer().address();
        if (!(socket instanceof InetSocketAddress inet) || inet.getAddress() == null
                || !trusted.contains(inet.getAddress())) {
            return peer(request);
        }
        List<String> forwarded = request.headers().contains(X_FORWARDED_FOR)
                ? request.headers().get(X_FORWARDED_FOR).allValues() : List.of();
        return client(inet.getAddress().getHostAddress(), forwarded);
    }

    /**
     * The client behind a trusted peer, from the {@code X-Forwarded-For} values in order: the
     * right-most entry that is not a trusted proxy (the left-most when all are). Any entry that is
     * not an IP address (a name, {@code unknown}, garbage) makes the whole header unusable, and
     * the peer is the answer: a chain with a hole in it says nothing reliable about its left side.
     */
    String client(String peer, List<String> forwardedFor) {
        List<InetAddress> chain = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String entry : value.split(",", -1)) {
                InetAddress address = TrustedProxies.address(withoutPort(entry.strip()));
                if (address == null) {
                    return peer;
                }
                chain.add(address);
            }
        }
        if (chain.isEmpty()) {
            return peer;
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (!trusted.contains(chain.get(i))) {
                return chain.get(i).getHostAddress();
            }
        }
        return chain.getFirst().getHostAddress();
    }

    /** Some proxies append the client's port: {@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                return "";
            }
            String after = entry.substring(close + 1);
            return after.isEmpty() || after.matches(":\\d{1,5}") ? entry.substring(1, close) : "";
        }
        int colon = entry.indexOf(':');
        if (colon >= 0 && colon == entry.lastIndexOf(':') && entry.substring(colon + 1).matches("\\d{1,5}")) {
            return entry.substring(0, colon);
        }
        return entry;
    }

    /** The connection's peer. */
    private static String peer(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
