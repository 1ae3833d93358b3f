package io.patronijvm.pg.conf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** libpq key/value connection strings: building with quoting, and reading {@code host}/{@code port} back. */
public final class ConnInfo {

    private static final Pattern PAIR = Pattern.compile("(\\w+)\\s*=\\s*('((?:[^'\\\\]|\\\\.)*)'|(\\S+))");

    private ConnInfo() {
    }

    /** {@code k=v k2='v 2'}; values with spaces, quotes or backslashes are quoted and escaped. */
    public static String format(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (v == null) {
                return;
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(k).append('=').append(quote(v));
        });
        return sb.toString();
    }

    static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\' || c == '\t')) {
            return v;
        }
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public static Map<String, String> parse(String conninfo) {
        Map<String, String> out = new LinkedHashMap<>();
        if (conninfo == null) {
            return out;
        }
        Matcher m = PAIR.matcher(conninfo);
        while (m.find()) {
            String v = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(4);
            out.put(m.group(1), v);
        }
        return out;
    }

    /** Host and port of a member's {@code conn_url} ({@code postgres://host:port/postgres}). */
    public record HostPort(String host, int port) {
    }

    public static HostPort fromConnUrl(String connUrl) {
        if (connUrl == null) {
            throw new IllegalArgumentException("member has no conn_url");
        }
        // Patroni takes any host name (member_1 too, which Java's URI does not see as a host).
        io.patronijvm.core.model.MemberUrl u = io.patronijvm.core.model.MemberUrl.parse(connUrl, 5432)
                .orElseThrow(() -> new IllegalArgumentException("conn_url '" + connUrl + "' has no host"));
        return new HostPort(u.host(), u.port());
    }
}
