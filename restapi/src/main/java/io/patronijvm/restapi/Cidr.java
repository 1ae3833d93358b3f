package io.patronijvm.restapi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An IPv4 or IPv6 network ({@code 10.0.0.0/8}, {@code ::1/128}, or a single address). IPv4-mapped
 * IPv6 client addresses match IPv4 networks, as a dual-stack listener reports them that way.
 */
record Cidr(byte[] network, int prefix) {

    /** Parses {@code addr[/prefix]}; a host name resolves to one /32 or /128 entry per address. */
    static List<Cidr> parse(String entry) throws UnknownHostException {
        String text = entry.strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        List<Cidr> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
            byte[] bytes = a.getAddress();
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("restapi.allowlist: bad prefix length in '" + entry + "'");
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("restapi.allowlist: prefix out of range in '" + entry + "'");
                }
            }
            out.add(new Cidr(bytes, prefix));
        }
        return out;
    }

    boolean contains(InetAddress address) {
        byte[] a = unmapped(address.getAddress());
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static byte[] unmapped(byte[] a) {
        if (a.length != 16) {
            return a;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return a;
            }
        }
        if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
            return a;
        }
        return new byte[] {a[12], a[13], a[14], a[15]};
    }
}
