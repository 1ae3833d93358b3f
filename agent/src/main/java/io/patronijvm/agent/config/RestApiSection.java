package io.patronijvm.agent.config;

import io.patronijvm.core.config.RestApiConfig;
import java.util.Set;

/** Reads {@code restapi:} (spec 1.1, 1.2, 4.1). */
final class RestApiSection {

    private static final Set<String> KNOWN = Set.of("listen", "connect_address", "authentication", "auth", "certfile",
            "keyfile", "keyfile_password", "cafile", "ciphers", "verify_client", "allowlist",
            "allowlist_include_members", "http_extra_headers", "https_extra_headers", "request_queue_size",
            "server_tokens");
    private static final Set<String> VERIFY_CLIENT = Set.of("none", "optional", "required");

    private RestApiSection() {
    }

    /** The section, or null when it has errors (they are in the section's problems). */
    static RestApiConfig read(Section s) {
        Problems problems = s.problems();
        if (s.wrongType()) {
            return null;
        }
        s.warnUnknown(KNOWN);
        HostPort listen = Addresses.listen(s, "listen", 8008);
        String connect = Addresses.connectAddress(s, "connect_address", listen);
        String[] auth = authentication(s);
        String verify = s.string("verify_client");
        if (verify != null && !VERIFY_CLIENT.contains(verify)) {
            problems.error(s.pathOf("verify_client"), "'" + verify + "' is not one of none, optional, required");
        }
        String certfile = s.string("certfile");
        if (verify != null && !verify.equals("none") && certfile == null) {
            problems.warning(s.pathOf("verify_client"), "has no effect without restapi.certfile (plain HTTP)");
        }
        RestApiConfig config = new RestApiConfig(
                listen == null ? null : listen.host(),
                listen == null ? 0 : listen.port(),
                connect,
                auth[0], auth[1],
                certfile, s.string("keyfile"), s.string("keyfile_password"), s.string("cafile"),
                verify == null ? "none" : verify,
                s.stringList("allowlist"),
                s.bool("allowlist_include_members", false),
                s.stringMap("http_extra_headers"),
                s.stringMap("https_extra_headers"),
                s.integer("request_queue_size", 5, 1, 65535));
        return listen == null || connect == null ? null : config;
    }

    /** {@code authentication: {username, password}} or the legacy {@code auth: "user:pass"}. */
    private static String[] authentication(Section s) {
        Section a = s.section("authentication");
        String user = a.string("username");
        String password = a.string("password");
        a.warnUnknown(Set.of("username", "password"));
        String legacy = s.string("auth");
        if (user == null && legacy != null) {
            int colon = legacy.indexOf(':');
            if (colon < 0) {
                s.problems().error(s.pathOf("auth"), "must be written user:password");
            } else {
                user = legacy.substring(0, colon);
                password = legacy.substring(colon + 1);
            }
        }
        if ((user == null) != (password == null)) {
            s.problems().error(a.path(), "needs both username and password");
        }
        return new String[] {user, password};
    }
}
