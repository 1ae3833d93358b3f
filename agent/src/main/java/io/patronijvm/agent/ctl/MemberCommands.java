package io.patronijvm.agent.ctl;

import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.dcs.Dcs;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** restart, reinit, reload and flush: per-member REST calls, the members chosen by {@link Members#choose}. */
final class MemberCommands {

    private static final Pattern PG_VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");
    private static final Duration REQUEST = Duration.ofSeconds(30);

    private MemberCommands() {
    }

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
        String cluster;

        @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES", arity = "0..*")
        List<String> memberNames = new ArrayList<>();

        @Option(names = "--force", description = "Do not ask for confirmation at any point")
        boolean force;
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart cluster member")
    static final class RestartCmd extends Base {
        @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Restart only members with this role")
        String role;

        @Option(names = "--any", description = "Restart a single member only")
        boolean any;

        @Option(names = "--scheduled", description = "Timestamp of a scheduled restart in unambiguous format (e.g. ISO 8601)")
        String scheduled;

        @Option(names = "--pg-version", description = "Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)")
        String version;

        @Option(names = "--pending", description = "Restart if pending")
        boolean pending;

        @Option(names = "--timeout", description = "Return error and fail over if necessary when restarting takes longer than this.")
        String timeout;

        @Override
        public Integer call() throws Exception {
            Members.checkRole(role);
            ClusterView view = ctl.read(cluster);
            List<Member> members = new ArrayList<>(Members.choose(ctl, view, cluster, memberNames, role, force,
                    "restart", false));
            String when = scheduled;
            if (when == null && !force) {
                when = ctl.console.prompt("When should the restart take place (e.g. " + Schedule.nextHour() + ") ", "now");
            }
            OffsetDateTime at = Schedule.parse(when);
            // patronictl shows str(datetime): the ISO form with a space for the T
            Members.confirmAction(ctl, members, force, "restart",
                    at == null ? null : Py.isoformat(at).replaceFirst("T", " "));
            if (any) {
                Collections.shuffle(members);
                members = members.subList(0, Math.min(1, members.size()));
            }
            String pgVersion = version;
            if (pgVersion == null && !force) {
                pgVersion = ctl.console.prompt("Restart if the PostgreSQL version is less than provided (e.g. 9.5.2) ", "");
            }
            Map<String, Object> content = new LinkedHashMap<>();
            if (pending) {
                content.put("restart_pending", true);
            }
            if (pgVersion != null && !pgVersion.isEmpty()) {
                if (!PG_VERSION.matcher(pgVersion).matches()) {
                    throw new CtlException("'" + pgVersion + "' is not a valid PostgreSQL version (e.g. 15.4)");
                }
                content.put("postgres_version", pgVersion);
            }
            if (at != null) {
                if (view.isPaused()) {
                    throw new CtlException("Can't schedule restart in the paused state");
                }
                content.put("schedule", Py.isoformat(at));
            }
            if (timeout != null) {
                content.put("timeout", timeout);
            }
            for (Member m : members) {
                if (content.containsKey("schedule") && force && m.extra().get("scheduled_restart") != null) {
                    Members.check(ctl, ctl.api().call(m, "DELETE", "restart", null, REQUEST), m.name(),
                            "flush scheduled restart", true);
                }
                MemberApi.Response r = call(m, "POST", "restart", PyJson.dumps(content));
                switch (r.status()) {
                    case 200 -> ctl.out.println("Success: restart on member " + m.name());
                    case 202 -> ctl.out.println("Success: restart scheduled on member " + m.name());
                    case 409 -> {
                        ctl.out.println("Failed: another restart is already scheduled on member " + m.name());
                    }
                    default -> {
                        ctl.out.println("Failed: restart for member " + m.name() + ", status code=" + r.status() + ", ("
                                + r.body() + ")");
                    }
                }
            }
            return 0; // patronictl reports a refused call ("Failed: ...") and exits 0
        }

        private MemberApi.Response call(Member m, String method, String endpoint, String body) throws Exception {
            // A synchronous restart answers once PostgreSQL is up again: allow for a slow start.
            return ctl.api().call(m, method, endpoint, body, Duration.ofMinutes(5));
        }
    }

    @Command(name = "reinit", mixinStandardHelpOptions = true, description = "Reinitialize cluster member")
    static final class ReinitCmd extends Base {
        @Option(names = "--wait", description = "Wait until reinitialization completes")
        boolean await;

        @Override
        public Integer call() throws Exception {
            ClusterView view = ctl.read(cluster);
            List<Member> members = Members.choose(ctl, view, cluster, memberNames, "replica", force, "reinitialize", true);
            List<Member> waitOn = new ArrayList<>();
            for (Member m : members) {
                boolean forced = force;
                boolean started;
                while (true) {
                    MemberApi.Response r = ctl.api().call(m, "POST", "reinitialize",
                            PyJson.dumps(Map.of("force", forced)), REQUEST);
                    started = Members.check(ctl, r, m.name(), "reinitialize", false);
                    if (!started && r.body().endsWith(" already in progress") && !forced
                            && ctl.console.confirm("Do you want to cancel it and reinitialize anyway?")) {
                        forced = true;
                        continue;
                    }
                    break;
                }
                if (started && await) {
                    waitOn.add(m);
                }
            }
            List<Member> shown = List.of();
            while (!waitOn.isEmpty()) {
                if (!waitOn.equals(shown)) {
                    ctl.out.println("Waiting for reinitialize to complete on: "
                            + String.join(", ", waitOn.stream().map(Member::name).toList()));
                    shown = List.copyOf(waitOn);
                }
                ctl.sleeper.sleep(Duration.ofSeconds(2));
                for (Member m : List.copyOf(waitOn)) {
                    String state = stateOf(m);
                    if (state != null && !state.equals("creating replica")) {
                        ctl.out.println("Reinitialize is completed on: " + m.name());
                        waitOn.remove(m);
                    }
                }
            }
            return 0; // patronictl reports a refused call ("Failed: ...") and exits 0
        }

        /** The member's state from {@code GET /patroni}, or null while it does not answer (it is being rebuilt). */
        private String stateOf(Member m) throws Exception {
            try {
                MemberApi.Response r = ctl.api().call(m, "GET", "patroni", null, REQUEST);
                return PlainJson.view(r.body()).path("state").asText("");
            } catch (MemberApi.Unreachable | com.fasterxml.jackson.core.JsonProcessingException e) {
                return null;
            }
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, description = "Reload cluster member configuration")
    static final class ReloadCmd extends Base {
        @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Reload only members with this role")
        String role;

        @Override
        public Integer call() throws Exception {
            Members.checkRole(role);
            ClusterView view = ctl.read(cluster);
            for (Member m : Members.choose(ctl, view, cluster, memberNames, role, force, "reload", true)) {
                MemberApi.Response r = ctl.api().call(m, "POST", "reload", null, REQUEST);
                if (r.status() == 200) {
                    ctl.out.println("No changes to apply on member " + m.name());
                } else if (r.status() == 202) {
                    Object loopWait = view.config() == null ? null : view.config().data().get("loop_wait");
                    ctl.out.println("Reload request received for member " + m.name() + " and will be processed within "
                            + Py.str(loopWait) + " seconds");
                } else {
                    ctl.out.println("Failed: reload for member " + m.name() + ", status code=" + r.status() + ", ("
                            + r.body() + ")");
                }
            }
            return 0; // patronictl reports a refused call ("Failed: ...") and exits 0
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Discard scheduled events")
    static final class FlushCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME [MEMBER_NAMES]... {restart|switchover}", arity = "2..*")
        List<String> args = new ArrayList<>();

        @Option(names = {"-r", "--role"}, defaultValue = "any", description = "Flush only members with this role")
        String role;

        @Option(names = "--force", description = "Do not ask for confirmation at any point")
        boolean force;

        @Override
        public Integer call() throws Exception {
            Members.checkRole(role);
            String target = args.get(args.size() - 1);
            if (!target.equals("restart") && !target.equals("switchover")) {
                throw new CtlException("the last argument must be 'restart' or 'switchover', not '" + target + "'");
            }
            String cluster = args.get(0);
            List<String> names = args.subList(1, args.size() - 1);
            Dcs dcs = ctl.dcs(cluster);
            ClusterView view = ctl.load(dcs, cluster);
            return target.equals("restart") ? restarts(view, cluster, names) : switchover(dcs, view, cluster);
        }

        private int restarts(ClusterView view, String cluster, List<String> names) throws Exception {
            for (Member m : Members.choose(ctl, view, cluster, names, role, force, "flush", true)) {
                if (m.extra().get("scheduled_restart") != null) {
                    Members.check(ctl, ctl.api().call(m, "DELETE", "restart", null, REQUEST), m.name(),
                            "flush scheduled restart", false);
                } else {
                    ctl.out.println("No scheduled restart for member " + m.name());
                }
            }
            return 0; // patronictl reports a refused call ("Failed: ...") and exits 0
        }

        private int switchover(Dcs dcs, ClusterView view, String cluster) throws Exception {
            Failover f = view.failover();
            if (f == null || f.scheduledAt() == null) {
                ctl.out.println("No pending scheduled switchover");
                return 0;
            }
            for (Member m : Members.leaderFirst(view)) {
                try {
                    MemberApi.Response r = ctl.api().call(m, "DELETE", "switchover", null, REQUEST);
                    if (r.status() == 200 || r.status() == 404) {
                        ctl.out.println((r.status() == 200 ? "Success: " : "Failed: ") + r.body());
                        return 0;
                    }
                    ctl.out.println("Failed: member=" + m.name() + ", status_code=" + r.status() + ", (" + r.body() + ")");
                } catch (MemberApi.Unreachable e) {
                    ctl.warn(e.getMessage());
                    ctl.warn("Member " + m.name() + " is not accessible");
                }
            }
            ctl.warn("Failing over to DCS");
            ctl.out.println(Ctl.timestamp(6) + " Could not find any accessible member of cluster " + cluster);
            DcsOutcome o = dcs.writeFailover(null, f.version());
            if (!o.ok()) {
                throw new CtlException("could not clear the failover key: " + o);
            }
            return 0;
        }
    }
}
