package io.patronijvm.agent.ctl;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which members a command acts on, chosen and confirmed as patronictl does. */
final class Members {

    static final List<String> ROLES = List.of("leader", "primary", "standby-leader", "replica", "standby", "any", "master");

    private Members() {
    }

    static String checkRole(String role) throws CtlException {
        if (!ROLES.contains(role)) {
            throw new CtlException("invalid role '" + role + "' (one of " + String.join(", ", ROLES) + ")");
        }
        return role;
    }

    /** The leader key's member; a leader without a member key has no data and no api_url. */
    static Member leader(ClusterView view) {
        if (view.leader() == null || view.leader().name().isEmpty()) {
            return null;
        }
        return view.leaderMember().orElse(new Member(view.leader().name(), null, -1, null, null, null, null, null,
                null, null, null, null, false, false, null, Map.of()));
    }

    /** {@code leader}/{@code primary}/{@code master}/{@code standby-leader}: the leader if its role fits; else all or replicas. */
    static List<Member> all(ClusterView view, String role) {
        List<Member> out = new ArrayList<>();
        Member leader = leader(view);
        switch (role) {
            case "leader", "master", "primary", "standby-leader" -> {
                if (leader != null) {
                    Role r = leader.role();
                    boolean fits = role.equals("leader")
                            || role.equals("standby-leader") && r != Role.PRIMARY
                            || !role.equals("standby-leader") && r != Role.STANDBY_LEADER;
                    if (fits) {
                        out.add(leader);
                    }
                }
            }
            default -> {
                for (Member m : view.members()) {
                    if (role.equals("any") || leader == null || !m.name().equals(leader.name())) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    /** {@code get_members}: prints the table, narrows to the named members, asks when none is named. */
    static List<Member> choose(Ctl ctl, ClusterView view, String cluster, List<String> names, String role,
                               boolean force, String action, boolean confirm) throws CtlException, Console.Aborted {
        List<Member> members = all(view, role);
        Set<String> candidates = new LinkedHashSet<>();
        members.forEach(m -> candidates.add(m.name()));
        if (names.isEmpty() && candidates.isEmpty()) {
            throw new CtlException(cluster + " cluster doesn't have any members");
        }
        ctl.out.print(MemberTable.render(view, cluster, false, "pretty"));
        List<String> chosen = new ArrayList<>();
        if (!names.isEmpty()) {
            names.stream().distinct().filter(candidates::contains).forEach(chosen::add);
            if (chosen.isEmpty()) {
                throw new CtlException("No " + role + " among provided members");
            }
        } else if (!action.equals("reinitialize")) {
            chosen.addAll(candidates);
        }
        if (chosen.isEmpty() && !force) {
            chosen.add(ctl.console.prompt("Which member do you want to " + action + " [" + String.join(", ", candidates)
                    + "]?", ""));
        }
        for (String n : chosen) {
            if (!candidates.contains(n)) {
                throw new CtlException(n + " is not a member of cluster");
            }
        }
        List<Member> out = members.stream().filter(m -> chosen.contains(m.name())).toList();
        if (confirm) {
            confirmAction(ctl, out, force, action, null);
        }
        return out;
    }

    static void confirmAction(Ctl ctl, List<Member> members, boolean force, String action, String scheduledAt)
            throws CtlException, Console.Aborted {
        if (force) {
            return;
        }
        String names = String.join(", ", members.stream().map(Member::name).toList());
        if (scheduledAt != null) {
            if (!ctl.console.confirm("Are you sure you want to schedule " + action + " of members " + names + " at "
                    + scheduledAt + "?")) {
                throw new CtlException("Aborted scheduled " + action);
            }
        } else if (!ctl.console.confirm("Are you sure you want to " + action + " members " + names + "?")) {
            throw new CtlException("Aborted " + action);
        }
    }

    /** Leader first (when it has an api_url), then every other member with one. */
    static List<Member> leaderFirst(ClusterView view) {
        List<Member> out = new ArrayList<>();
        Member leader = leader(view);
        String leaderName = leader != null && leader.apiUrl() != null ? leader.name() : null;
        if (leaderName != null) {
            out.add(leader);
        }
        for (Member m : view.members()) {
            if (m.apiUrl() != null && !m.name().equals(leaderName)) {
                out.add(m);
            }
        }
        return out;
    }

    /** {@code Failed: <action> for member <name>, status code=<n>, (<body>)} or the success line; true on success. */
    static boolean check(Ctl ctl, MemberApi.Response r, String member, String action, boolean silentSuccess) {
        if (r.status() >= 400) {
            ctl.out.println("Failed: " + action + " for member " + member + ", status code=" + r.status() + ", ("
                    + r.body() + ")");
            return false;
        }
        if (!silentSuccess) {
            ctl.out.println("Success: " + action + " for member " + member);
        }
        return true;
    }
}
