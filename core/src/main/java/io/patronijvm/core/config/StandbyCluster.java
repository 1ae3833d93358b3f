package io.patronijvm.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code standby_cluster} section of the dynamic configuration (R59): the whole cluster
 * replicates from a remote primary. Its lock holder is the {@code standby_leader} and follows
 * the remote source; the other members follow the standby leader.
 *
 * @param host                  the remote primary's host (may be a comma-separated list), or null
 * @param port                  its port (default 5432)
 * @param primarySlotName       the slot to use on the remote primary, or null for none
 * @param restoreCommand        WAL from an archive instead of (or besides) streaming, or null
 * @param archiveCleanupCommand or null
 * @param recoveryMinApplyDelay or null
 * @param createReplicaMethods  how the standby leader is first cloned from the remote (default basebackup)
 */
public record StandbyCluster(String host, int port, String primarySlotName, String restoreCommand,
                             String archiveCleanupCommand, Object recoveryMinApplyDelay,
                             List<String> createReplicaMethods) {

    public StandbyCluster {
        createReplicaMethods = createReplicaMethods == null ? List.of() : List.copyOf(createReplicaMethods);
    }

    /**
     * The section as Patroni reads it; null when it does not make a standby cluster (Patroni's
     * {@code is_standby_cluster}: one of host, port or restore_command is set).
     */
    public static StandbyCluster of(Map<String, Object> section) {
        if (section == null || (blank(section.get("host")) && blank(section.get("port"))
                && blank(section.get("restore_command")))) {
            return null;
        }
        int port = 5432;
        Object p = section.get("port");
        if (!blank(p)) {
            try {
                port = Integer.parseInt(p.toString().trim());
            } catch (NumberFormatException e) {
                port = 5432; // DynamicConfigParser reports it; the default keeps the cluster following
            }
        }
        List<String> methods = new ArrayList<>();
        if (section.get("create_replica_methods") instanceof List<?> l) {
            l.forEach(m -> methods.add(String.valueOf(m)));
        }
        return new StandbyCluster(text(section.get("host")), port, text(section.get("primary_slot_name")),
                text(section.get("restore_command")), text(section.get("archive_cleanup_command")),
                blank(section.get("recovery_min_apply_delay")) ? null : section.get("recovery_min_apply_delay"),
                methods);
    }

    /** True when {@code host} lists several hosts, which libpq tries in order (Patroni 3.3). */
    public boolean multiHost() {
        return host != null && host.contains(",");
    }

    /**
     * The remote source as a member {@code conn_url}, null without a host. A host list stays one
     * comma-separated host part (Patroni hands it to libpq as it is); only a single IPv6 address
     * gets brackets.
     */
    public String connUrl() {
        if (host == null) {
            return null;
        }
        String h = !multiHost() && host.contains(":") ? "[" + host + "]" : host;
        return "postgres://" + h + ":" + port + "/postgres";
    }

    /** The recovery parameters every member of the standby cluster gets besides its upstream. */
    public Map<String, Object> archiveParams() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (restoreCommand != null) {
            out.put("restore_command", restoreCommand);
        }
        if (archiveCleanupCommand != null) {
            out.put("archive_cleanup_command", archiveCleanupCommand);
        }
        return out;
    }

    private static boolean blank(Object v) {
        return v == null || v.toString().isBlank();
    }

    private static String text(Object v) {
        return blank(v) ? null : v.toString();
    }
}
