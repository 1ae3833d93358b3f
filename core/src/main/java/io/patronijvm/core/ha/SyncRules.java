package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.pg.WalSender;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Synchronous replication on the leader, every cycle (R48 to R50).
 *
 * <p>The invariant kept at every step: each member named in {@code /sync} is also in
 * {@code synchronous_standby_names}, so a node in {@code /sync} (the only kind allowed to be
 * promoted in sync mode) really had every commit. A member is added to the GUC first and to
 * {@code /sync} in a later cycle, once {@code pg_stat_replication} shows it {@code sync}; it is
 * removed from {@code /sync} first and from the GUC in a later cycle. Within a cycle the GUC
 * is set before {@code /sync} is written, and the GUC then still contains every current
 * {@code /sync} member, so a failed write leaves the invariant intact. Patroni's "wait 2 s for
 * the standby to become sync" is replaced by waiting for the next cycle (no sleeps in decide).
 */
final class SyncRules {

    private static final Pattern PLAIN_IDENT = Pattern.compile("[a-z_][a-z0-9_$]*");

    private SyncRules() {
    }

    static List<Action> leader(HaInput in) {
        SyncState sync = in.view().sync();
        List<Action> out = new ArrayList<>();
        if (!in.config().synchronousMode()) {                                                         // R48
            if (sync != null) {
                out.add(new Action.DeleteSync(sync.version()));
            }
            String own = userValue(in);
            if (!in.pg().synchronousStandbyNames().equals(own)) {
                out.add(new Action.SetSyncStandbyNames(own));
            }
            return out;
        }
        if (sync == null || !in.self().equals(sync.leader())) {                                      // R49 first
            out.add(new Action.WriteSync(new SyncState(in.self(), Set.of(), 0), sync == null ? 0 : sync.version()));
            return out;
        }
        Set<String> picked = pick(in);
        Set<String> current = sync.syncStandbys();
        Set<String> confirmed = confirmedSync(in);
        Set<String> newSync = new TreeSet<>();
        for (String m : current) {
            if (picked.contains(m)) {
                newSync.add(m);                                                                       // keep
            }
        }
        for (String m : picked) {
            if (confirmed.contains(m) && gucNames(in.pg().synchronousStandbyNames()).contains(m)) {
                newSync.add(m);                                                                       // add once sync
            }
        }
        Set<String> guc = new TreeSet<>(picked);
        guc.addAll(current);                                                                          // remove later
        String gucValue = guc.isEmpty() ? (in.config().synchronousModeStrict() ? "*" : "") : format(guc);  // R50
        if (!in.pg().synchronousStandbyNames().equals(gucValue)) {
            out.add(new Action.SetSyncStandbyNames(gucValue));
        }
        if (!newSync.equals(new TreeSet<>(current))) {
            out.add(new Action.WriteSync(new SyncState(in.self(), newSync, 0), sync.version()));
        }
        return out;
    }

    /** R49 candidates: streaming from us, running member keys, not nosync; sorted; node count; lag limit. */
    static Set<String> pick(HaInput in) {
        record Cand(String name, int priority, boolean sync, long lsn) {
        }
        List<Cand> cands = new ArrayList<>();
        // Lag is measured at the point a commit waits for (Patroni): with remote_apply a replica whose
        // replay is stuck holds up every commit even though it still receives and flushes WAL.
        boolean replayed = "remote_apply".equalsIgnoreCase(String.valueOf(in.config().parameters().get("synchronous_commit")));
        for (WalSender ws : in.pg().walSenders()) {
            if (!"streaming".equals(ws.state()) || ws.applicationName() == null) {
                continue;
            }
            Optional<Member> m = in.view().member(ws.applicationName());
            if (m.isEmpty() || m.get().name().equals(in.self()) || !m.get().isRunning() || m.get().tags().noSync()) {
                continue;
            }
            cands.add(new Cand(m.get().name(), m.get().tags().syncPriority(), "sync".equals(ws.syncState()),
                    replayed ? ws.replayLsn() : ws.flushLsn()));
        }
        cands.sort(Comparator.comparingInt(Cand::priority).thenComparing(Cand::sync).thenComparingLong(Cand::lsn)
                .reversed().thenComparing(Cand::name));
        long best = cands.isEmpty() ? 0 : cands.stream().mapToLong(Cand::lsn).max().orElse(0);
        long maxLag = in.config().maximumLagOnSyncnode();
        Set<String> out = new LinkedHashSet<>();
        for (Cand c : cands) {
            if (out.size() >= Math.max(1, in.config().synchronousNodeCount())) {
                break;
            }
            if (maxLag > 0 && best - c.lsn() > maxLag) {
                continue;
            }
            out.add(c.name());
        }
        return new TreeSet<>(out);
    }

    private static Set<String> confirmedSync(HaInput in) {
        Set<String> out = new TreeSet<>();
        for (WalSender ws : in.pg().walSenders()) {
            if ("sync".equals(ws.syncState()) && ws.applicationName() != null) {
                out.add(ws.applicationName());
            }
        }
        return out;
    }

    /** GUC format (R49): {@code name}, or {@code N (a,b)}; sorted, quoted when needed. */
    static String format(Set<String> names) {
        List<String> quoted = new TreeSet<>(names).stream()
                .map(n -> PLAIN_IDENT.matcher(n).matches() ? n : '"' + n.replace("\"", "\"\"") + '"')
                .toList();
        return quoted.size() == 1 ? quoted.get(0) : quoted.size() + " (" + String.join(",", quoted) + ")";
    }

    /** Member names in a GUC value we wrote (the inverse of {@link #format}, tolerant of spaces). */
    static Set<String> gucNames(String value) {
        Set<String> out = new TreeSet<>();
        String v = value == null ? "" : value.trim();
        int open = v.indexOf('(');
        if (open >= 0 && v.endsWith(")")) {
            v = v.substring(open + 1, v.length() - 1);
        }
        for (String part : v.split(",")) {
            String p = part.trim();
            if (p.startsWith("\"") && p.endsWith("\"") && p.length() >= 2) {
                p = p.substring(1, p.length() - 1).replace("\"\"", "\"");
            }
            if (!p.isEmpty() && !p.equals("*")) {
                out.add(p);
            }
        }
        return out;
    }

    private static String userValue(HaInput in) {
        Map<String, Object> params = in.config().parameters();
        Object v = params.get("synchronous_standby_names");
        return v == null ? "" : v.toString();
    }
}
