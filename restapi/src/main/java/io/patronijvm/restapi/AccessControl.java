package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The checks Patroni runs before every unsafe endpoint (spec 1.2), in its order: allowlist
 * (403 {@code Access is denied}), client certificate when TLS demands one (403), then basic
 * authentication (401 with {@code WWW-Authenticate}). Safe endpoints are never checked.
 */
final class AccessControl {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final List<Cidr> allowlist;
    private final boolean includeMembers;
    private final boolean clientCertRequired;
    private final byte[] expectedAuth;
    private final Supplier<StatusSnapshot> snapshots;

    AccessControl(RestApiConfig config, Supplier<StatusSnapshot> snapshots) {
        this.snapshots = snapshots;
        this.includeMembers = config.allowlistIncludeMembers();
        this.allowlist = parseAllowlist(config.allowlist());
        String verify = config.verifyClient() == null ? "none" : config.verifyClient();
        this.clientCertRequired = config.tls() && (verify.equals("required") || verify.equals("optional"));
        this.expectedAuth = config.authenticationEnabled()
                ? Base64.getEncoder().encode((config.username() + ":" + config.password())
                        .getBytes(StandardCharsets.UTF_8))
                : null;
    }

    private static List<Cidr> parseAllowlist(List<String> entries) {
        List<Cidr> out = new ArrayList<>();
        for (String entry : entries) {
            try {
                out.addAll(Cidr.parse(entry));
            } catch (UnknownHostException e) {
                // Patroni logs and skips a name it cannot resolve; an unresolvable entry allows nobody.
                LOG.error("restapi.allowlist: cannot resolve '{}': {}", entry, e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Throws {@link HttpError} when the request may not use an unsafe endpoint. */
    void check(RestExchange ctx) {
        check(ctx, true);
    }

    /**
     * {@code checkMembers=false} for {@code POST /failsafe} (spec 6 row 15): the primary posts it
     * exactly when the DCS is down, so its member key may have expired and the member list cannot
     * vouch for it; only an explicit allowlist applies then.
     */
    void check(RestExchange ctx, boolean checkMembers) {
        boolean members = checkMembers && includeMembers;
        if (!allowlist.isEmpty() || members) {
            if (!allowed(ctx.remoteAddress(), members)) {
                throw new HttpError(403, "Access is denied");
            }
        }
        if (clientCertRequired) {
            java.security.cert.X509Certificate[] chain = ctx.clientCertificates();
            if (chain == null || chain.length == 0) {
                throw new HttpError(403, "client certificate required");
            }
        }
        if (expectedAuth != null) {
            String header = ctx.header("Authorization");
            if (header == null) {
                throw unauthorized(ctx, "no auth header received");
            }
            byte[] given = header.startsWith("Basic ")
                    ? header.substring(6).getBytes(StandardCharsets.UTF_8) : new byte[0];
            // Constant time: the comparison must not reveal how many leading bytes matched.
            if (!MessageDigest.isEqual(expectedAuth, given)) {
                throw unauthorized(ctx, "not authenticated");
            }
        }
    }

    /**
     * The status page: the allowlist and the client-certificate demand apply, basic authentication
     * does not (it guards changes, and the page changes nothing).
     */
    void checkReadOnly(RestExchange ctx) {
        if ((!allowlist.isEmpty() || includeMembers) && !allowed(ctx.remoteAddress(), includeMembers)) {
            throw new HttpError(403, "Access is denied");
        }
        if (clientCertRequired) {
            java.security.cert.X509Certificate[] chain = ctx.clientCertificates();
            if (chain == null || chain.length == 0) {
                throw new HttpError(403, "client certificate required");
            }
        }
    }

    private static HttpError unauthorized(RestExchange ctx, String reason) {
        ctx.header("WWW-Authenticate", "Basic realm=\"Patroni\"");
        return new HttpError(401, reason);
    }

    private boolean allowed(String remote, boolean members) {
        InetAddress client;
        try {
            // A literal from the socket: parsed, never looked up.
            client = InetAddress.getByName(remote);
        } catch (UnknownHostException e) {
            return false;
        }
        for (Cidr c : allowlist) {
            if (c.contains(client)) {
                return true;
            }
        }
        return members && isMemberAddress(client);
    }

    /** Hosts of the members' api_url in the last cluster view the loop published. */
    private boolean isMemberAddress(InetAddress client) {
        StatusSnapshot s = snapshots.get();
        ClusterView view = s == null ? null : s.cluster();
        if (view == null) {
            return false;
        }
        for (Member m : view.members()) {
            String host = m.api().map(AccessControl::hostOf).orElse(null);
            if (host == null) {
                continue;
            }
            try {
                for (Cidr c : Cidr.parse(host)) {
                    if (c.contains(client)) {
                        return true;
                    }
                }
            } catch (UnknownHostException | IllegalArgumentException e) {
                LOG.debug("allowlist_include_members: cannot resolve {}: {}", host, e.getMessage());
            }
        }
        return false;
    }

    private static String hostOf(String url) {
        return io.patronijvm.core.model.MemberUrl.parse(url).map(io.patronijvm.core.model.MemberUrl::host).orElse(null);
    }
}
