package dev.tollgate.server.http;

import dev.tollgate.server.config.TrustedProxies;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the client is picked out of X-Forwarded-For once the peer is a trusted proxy. */
class RemoteAddressTest {

    private static final String PEER = "10.0.0.1";
    private final RemoteAddress remote = new RemoteAddress(TrustedProxies.of(List.of("10.0.0.0/8")));

    @Test
    void clientWhenOneEntryThenThatEntry() {
        assertThat(remote.client(PEER, List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void clientWhenTrustedProxiesAreRightOfTheClientThenTheRightMostUntrustedEntry() {
        assertThat(remote.client(PEER, List.of("198.51.100.1, 203.0.113.9, 10.1.1.1", "10.2.2.2")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void clientWhenEveryEntryIsTrustedThenTheLeftMost() {
        assertThat(remote.client(PEER, List.of("10.9.9.9, 10.1.1.1"))).isEqualTo("10.9.9.9");
    }

    @Test
    void clientWhenEntriesCarryPortsThenThePortsAreDropped() {
        assertThat(remote.client(PEER, List.of("203.0.113.9:4711"))).isEqualTo("203.0.113.9");
        assertThat(remote.client(PEER, List.of("[2001:db8::1]:4711"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(remote.client(PEER, List.of("2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void clientWhenAnyEntryIsMalformedThenThePeer() {
        for (String value : List.of("unknown", "203.0.113.9, proxy.example", "", " , ", "203.0.113.9;x", "[::1",
                "[::1]x", "_gateway")) {
            assertThat(remote.client(PEER, List.of(value))).as(value).isEqualTo(PEER);
        }
    }

    @Test
    void clientWhenNoHeaderThenThePeer() {
        assertThat(remote.client(PEER, List.of())).isEqualTo(PEER);
    }
}
