package io.patronijvm.agent.ctl;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.dcs.Dcs;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * switchover and failover: checks the leader and candidate, asks what patronictl asks, then
 * {@code POST /switchover} or {@code /failover} to the leader (or the candidate when there is no
 * leader); when no member answers, writes the {@code failover} key instead (spec 5).
 */
final class SwitchoverCommands {

    private SwitchoverCommands() {
    }

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Option(names = {"--leader", "--primary", "--master"}, description = "The name of the current leader")
        String leader;

        @Option(names = "--candidate", description = "The name of the candidate")
        String candidate;

        @Option(names = "--force", description = "Do not ask for confirmation at any point")
        boolean force;

        int run(String action, String scheduled) throws Exception {
            String name = ctl.clusterName(cluster);
            Dcs dcs = ctl.dcs(name);
            ClusterView view = ctl.load(dcs, name);
            ctl.out.println("Current cluster topology");
            ctl.out.print(MemberTable.render(view, name, false, "pretty"));
            Member current = Members.leader(view);
            if (action.equals("switchover") && current == null) {
                throw new CtlException("This cluster has no leader");
            }
            String from = leader;
            if (from == null) {
                if (force || action.equals("failover")) {
                    from = current == null ? null : current.name();
                } else {
                    boolean standby = view.config() != null
                            && MemberTable.isStandbyCluster(view.config().data().get("standby_cluster"));
                    from = ctl.console.prompt(standby ? "Standby Leader" : "Primary", current.name());
                }
            }
            if (from != null && current != null && !current.name().equals(from)) {
                throw new CtlException("Member " + from + " is not the leader of cluster " + name);
            }
            String source = from;
            List<String> candidates = view.members().stream()
                    .filter(m -> !m.name().equals(source) && !m.tags().noFailover()).map(Member::name).sorted().toList();
            if (candidates.isEmpty()) {
                throw new CtlException("No candidates found to " + action + " to");
            }
            String to = candidate;
            if (to == null && !force) {
                to = ctl.console.prompt("Candidate " + Py.str(candidates), "");
            }
            if (action.equals("failover") && (to == null || to.isEmpty())) {
                throw new CtlException("Failover could be performed only to a specific candidate");
            }
            if (to != null && to.equals(from)) {
                throw new CtlException(Character.toUpperCase(action.charAt(0)) + action.substring(1)
                        + " target and source are the same.");
            }
            if (to != null && !to.isEmpty() && !candidates.contains(to)) {
                throw new CtlException(view.member(to).isPresent()
                        ? "Member " + to + " is not a failover candidate of cluster " + name + " (it has the nofailover tag)"
                        : "Member " + to + " does not exist in cluster " + name);
            }
            OffsetDateTime at = null;
            if (action.equals("switchover")) {
                String when = scheduled;
                if (when == null && !force) {
                    when = ctl.console.prompt("When should the switchover take place (e.g. " + Schedule.nextHour() + " ) ",
                            "now");
                }
                at = Schedule.parse(when);
                if (at != null && view.isPaused()) {
                    throw new CtlException("Can't schedule switchover in the paused state");
                }
            }
            String atText = at == null ? null : Py.isoformat(at);
            if (!force) {
                String demote = from != null ? ", demoting current leader " + from : "";
                if (atText != null) {
                    if (!ctl.console.confirm("Are you sure you want to schedule " + action + " of cluster " + name + " at "
                            + atText + demote + "?")) {
                        throw new CtlException("Aborting scheduled " + action);
                    }
                } else if (!ctl.console.confirm("Are you sure you want to " + action + " cluster " + name + demote + "?")) {
                    throw new CtlException("Aborting " + action);
                }
            }
            return request(dcs, view, name, action, from, to == null || to.isEmpty() ? null : to, at, atText);
        }

        private int request(Dcs dcs, ClusterView view, String name, String action, String from, String to,
                            OffsetDateTime at, String atText) throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("leader", from);
            body.put("candidate", to);
            body.put("scheduled_at", atText);
            Member target = Members.leader(view) != null ? Members.leader(view) : view.member(to).orElse(null);
            ClusterView after = view;
            try {
                if (target == null) {
                    throw new MemberApi.Unreachable("no member to send the request to");
                }
                MemberApi.Response r = ctl.api().call(target, "POST", action, PyJson.dumps(body), Duration.ofSeconds(60));
                if (r.status() != 200 && r.status() != 202) {
                    ctl.out.println(Character.toUpperCase(action.charAt(0)) + action.substring(1) + " failed, details: "
                            + r.status() + ", " + r.body());
                    return 0; // patronictl's exit status after a refused switchover
                }
                after = ctl.load(dcs, name);
                ctl.out.println(Ctl.timestamp(6) + " " + r.body());
            } catch (MemberApi.Unreachable e) {
                ctl.warn(e.getMessage());
                ctl.warn("Failing over to DCS");
                ctl.out.println(Ctl.timestamp(6) + " Could not " + action + " using Patroni api, falling back to DCS");
                DcsOutcome o = dcs.writeFailover(new Failover(from, to, at, 0), -1);
                if (!o.ok()) {
                    throw new CtlException("could not write the failover key: " + o);
                }
            }
            ctl.out.print(MemberTable.render(after, name, false, "pretty"));
            return 0;
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true, description = "Switchover to a replica")
    static final class SwitchoverCmd extends Base {
        @Option(names = "--scheduled", description = "Timestamp of a scheduled switchover in unambiguous format (e.g. ISO 8601)")
        String scheduled;

        @Override
        public Integer call() throws Exception {
            return run("switchover", scheduled);
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true, description = "Failover to a replica")
    static final class FailoverCmd extends Base {
        @Override
        public Integer call() throws Exception {
            return run(leader != null ? "switchover" : "failover", null);
        }
    }
}
