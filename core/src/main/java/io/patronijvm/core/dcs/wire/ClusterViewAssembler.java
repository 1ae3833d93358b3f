package io.patronijvm.core.dcs.wire;

import io.patronijvm.core.model.ClusterConfig;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.SyncState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds one {@link ClusterView} from the keys under {@code <namespace>/<scope>/} (spec 2.1).
 * Lenient by design: a key whose value does not parse is reported through {@code warn} and
 * treated as absent, so one bad write (by us, an old Patroni or a human) never stops the HA loop.
 */
public final class ClusterViewAssembler {

    /**
     * One key as read from the DCS.
     *
     * @param key         path relative to the cluster prefix ({@code leader}, {@code members/a} ...)
     * @param json        the value decoded as JSON, or null when it is not JSON
     * @param raw         the value as text (may be null when the store keeps objects)
     * @param session     the session the key is bound to, or null
     * @param modifyIndex the key's version
     */
    public record KeyValue(String key, Object json, String raw, String session, long modifyIndex) {
    }

    private ClusterViewAssembler() {
    }

    public static ClusterView assemble(List<KeyValue> keys, long index, Consumer<String> warn) {
        String initialize = null;
        ClusterConfig config = null;
        KeyValue leaderKey = null;
        List<Member> members = new ArrayList<>();
        Failover failover = null;
        SyncState sync = null;
        List<HistoryEntry> history = List.of();
        long historyVersion = 0;
        ClusterStatus status = null;
        ClusterStatus legacyStatus = null;
        Map<String, String> failsafe = null;
        for (KeyValue kv : keys) {
            String k = kv.key();
            try {
                switch (k) {
                    case "initialize" -> initialize = text(kv);
                    case "config" -> config = new ClusterConfig(WireValues.config(kv.json()), kv.modifyIndex());
                    case "leader" -> leaderKey = kv;
                    case "failover" -> failover = WireValues.failover(kv.json(), kv.raw(), kv.modifyIndex());
                    case "sync" -> sync = WireValues.sync(kv.json(), kv.modifyIndex());
                    case "history" -> {
                        history = WireValues.history(kv.json());
                        historyVersion = kv.modifyIndex();
                    }
                    case "status" -> status = WireValues.status(kv.json());
                    case "optime/leader" -> legacyStatus = WireValues.legacyOptime(text(kv));
                    case "failsafe" -> failsafe = WireValues.failsafe(kv.json());
                    default -> {
                        if (k.startsWith("members/") && k.length() > "members/".length()
                                && k.indexOf('/', "members/".length()) < 0) {
                            members.add(WireValues.member(k.substring("members/".length()), kv.session(),
                                    kv.modifyIndex(), kv.json()));
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                warn.accept("ignoring malformed key '" + k + "': " + e.getMessage());
            }
        }
        Leader leader = null;
        if (leaderKey != null) {
            String name = text(leaderKey);
            leader = new Leader(name == null ? "" : name, leaderKey.session(), leaderKey.modifyIndex());
        }
        return new ClusterView(initialize, config, leader, members, failover, sync, history, historyVersion,
                status != null ? status : legacyStatus, failsafe, index);
    }

    private static String text(KeyValue kv) {
        if (kv.raw() != null) {
            return kv.raw();
        }
        return kv.json() == null ? null : String.valueOf(kv.json());
    }
}
