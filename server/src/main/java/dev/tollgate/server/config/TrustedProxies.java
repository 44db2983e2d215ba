package dev.tollgate.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed ({@code http.trusted-proxies}):
 * IP addresses and CIDR blocks, IPv4 or IPv6. Empty by default, so the header is ignored: a client
 * can write anything there, and believing it would let one address pose as many to the
 * brute-force limits, or as another in the audit log.
 *
 * <p>Only literals are accepted, never host names: resolving a name here would make the
 * configuration depend on DNS, and {@link #address} sits on every request.
 */
public final class TrustedProxies {

    /** No proxy is trusted: the connection's peer is the client. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /** A CIDR block: the network's bytes and how many leading bits must match. */
    private record Block(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<String> entries;
    private final List<Block> blocks;

    private TrustedProxies(List<String> entries) {
        List<Block> parsed = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String entry : entries) {
            Block block = block(entry);
            if (block == null) {
                bad.add("'" + entry + "'");
            } else {
                parsed.add(block);
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("http.trusted-proxies: not an IP address or CIDR block: "
                    + String.join(", ", bad));
        }
        this.entries = List.copyOf(entries);
        this.blocks = List.copyOf(parsed);
    }

    /**
     * @param entries IP addresses ({@code 10.0.0.5}, {@code 2001:db8::1}) and CIDR blocks
     *                ({@code 10.0.0.0/8}, {@code 2001:db8::/32})
     * @throws IllegalArgumentException naming every entry that is neither
     */
    public static TrustedProxies of(List<String> entries) {
        return entries.isEmpty() ? NONE : new TrustedProxies(entries);
    }

    /** The entries as configured. */
    public List<String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An IP address literal, or null for anything else (a host name is never resolved). An IPv4
     * address mapped into IPv6 comes back as IPv4, as Java reports such a peer.
     */
    public static InetAddress address(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        try {
            if (text.indexOf(':') >= 0) {
                // A literal with a colon is never resolved through DNS; a zone id (%eth0) is not accepted.
                return IPV6.matcher(text).matches() ? InetAddress.getByName(text) : null;
            }
            var m = IPV4.matcher(text);
            if (!m.matches()) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(m.group(i + 1));
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        InetAddress address = address(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null) {
            return null;
        }
        byte[] network = address.getAddress();
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = entry.substring(slash + 1);
            if (!length.matches("\\d{1,3}")) {
                return null;
            }
            prefix = Integer.parseInt(length);
            if (prefix > bits) {
                return null;
            }
        }
        return new Block(network, prefix);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedProxies that && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedProxies" + entries;
    }
}
