package dev.tollgate.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    @Test
    void containsWhenAddressInsideACidrBlockThenTrue() {
        TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));

        assertThat(proxies.contains(TrustedProxies.address("10.200.3.4"))).isTrue();
        assertThat(proxies.contains(TrustedProxies.address("192.0.2.7"))).isTrue();
        assertThat(proxies.contains(TrustedProxies.address("2001:db8:1::5"))).isTrue();
    }

    @Test
    void containsWhenAddressOutsideEveryBlockThenFalse() {
        TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", "192.0.2.7", "192.168.0.0/23"));

        assertThat(proxies.contains(TrustedProxies.address("11.0.0.1"))).isFalse();
        assertThat(proxies.contains(TrustedProxies.address("192.0.2.8"))).isFalse();
        assertThat(proxies.contains(TrustedProxies.address("192.168.2.1"))).isFalse();
        assertThat(proxies.contains(TrustedProxies.address("192.168.1.255"))).isTrue();
        assertThat(proxies.contains(TrustedProxies.address("::1"))).isFalse();
        assertThat(TrustedProxies.NONE.contains(TrustedProxies.address("127.0.0.1"))).isFalse();
    }

    @Test
    void ofWhenEntriesAreNotAddressesThenEveryBadOneIsNamedUnderTheKey() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8", "proxy.internal", "10.0.0.0/33", "1.2.3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("http.trusted-proxies: not an IP address or CIDR block: 'proxy.internal', '10.0.0.0/33', "
                        + "'1.2.3'");
    }

    @Test
    void addressWhenTextIsAHostNameThenNullWithoutResolvingIt() {
        assertThat(TrustedProxies.address("localhost")).isNull();
        assertThat(TrustedProxies.address("256.1.1.1")).isNull();
        assertThat(TrustedProxies.address("fe80::1%eth0")).isNull();
        assertThat(TrustedProxies.address("")).isNull();
        assertThat(TrustedProxies.address("203.0.113.9").getHostAddress()).isEqualTo("203.0.113.9");
    }
}
