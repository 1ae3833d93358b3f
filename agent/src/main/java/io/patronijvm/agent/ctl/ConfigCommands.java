package io.patronijvm.agent.ctl;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.dcs.Dcs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** edit-config (compare-and-set on the config key), pause/resume, and remove. */
final class ConfigCommands {

    private ConfigCommands() {
    }

    @Command(name = "edit-config", mixinStandardHelpOptions = true, description = "Edit cluster configuration")
    static final class EditConfigCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Option(names = {"-q", "--quiet"}, description = "Do not show changes")
        boolean quiet;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Set specific configuration value. Can be specified multiple times")
        List<String> kvpairs = new ArrayList<>();

        @Option(names = {"-p", "--pg"}, paramLabel = "PARAM=VALUE", description = "Set specific PostgreSQL parameter "
                + "value. Shorthand for -s postgresql.parameters. Can be specified multiple times")
        List<String> pgkvpairs = new ArrayList<>();

        @Option(names = "--apply", paramLabel = "FILE", description = "Apply configuration from file. Use - for stdin.")
        String applyFile;

        @Option(names = "--replace", paramLabel = "FILE",
                description = "Apply configuration from file, replacing existing configuration. Use - for stdin.")
        String replaceFile;

        @Option(names = "--force", description = "Do not ask for confirmation at any point")
        boolean force;

        @Override
        public Integer call() throws Exception {
            String name = ctl.clusterName(cluster);
            Dcs dcs = ctl.dcs(name);
            ClusterView view = ctl.load(dcs, name);
            Map<String, Object> current = view.config() == null ? Map.of() : view.config().data();
            long version = view.config() == null ? 0 : view.config().version();
            String before = PyYaml.dump(current, false);
            ConfigEdits edits = new ConfigEdits(ctl);
            Map<String, Object> changed = current;
            String after = null;
            if (replaceFile != null) {
                changed = edits.applyFile(new LinkedHashMap<>(), replaceFile);
                after = PyYaml.dump(changed, false);
            }
            if (applyFile != null) {
                changed = edits.applyFile(changed, applyFile);
                after = PyYaml.dump(changed, false);
            }
            if (!kvpairs.isEmpty() || !pgkvpairs.isEmpty()) {
                List<String> all = new ArrayList<>(kvpairs);
                pgkvpairs.forEach(p -> all.add("postgresql.parameters." + p.stripLeading()));
                changed = edits.set(changed, all);
                after = PyYaml.dump(changed, false);
            }
            if (after == null) {
                after = edits.editor(before, name);
                changed = edits.parseEdited(after);
            }
            if (ConfigEdits.canonical(current).equals(ConfigEdits.canonical(changed))) {
                if (!quiet) {
                    ctl.out.println("Not changed");
                }
                return 0;
            }
            if (!quiet) {
                ctl.out.print(ConfigEdits.unifiedDiff(before, after));
            }
            if (("-".equals(applyFile) || "-".equals(replaceFile)) && !force) {
                ctl.out.println("Use --force option to apply changes");
                return 0;
            }
            if (force || ctl.console.confirm("Apply these changes?")) {
                DcsOutcome o = dcs.writeConfig(changed, version);
                if (o.kind() == DcsOutcome.Kind.CONFLICT) {
                    throw new CtlException("Config modification aborted due to concurrent changes");
                }
                if (!o.ok()) {
                    throw new CtlException("could not write the configuration to "
                            + ctl.config().dcsAddress() + ": " + o);
                }
                ctl.out.println("Configuration changed");
            }
            return 0;
        }
    }

    abstract static class Toggle implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Option(names = "--wait", description = "Wait until the change is applied on all nodes")
        boolean await;

        int toggle(boolean paused) throws Exception {
            String name = ctl.clusterName(cluster);
            Dcs dcs = ctl.dcs(name);
            ClusterView view = ctl.load(dcs, name);
            if (view.isPaused() == paused) {
                throw new CtlException("Cluster is " + (paused ? "already" : "not") + " paused");
            }
            String body = paused ? "{\"pause\": true}" : "{\"pause\": null}";
            for (Member m : Members.leaderFirst(view)) {
                MemberApi.Response r;
                try {
                    r = ctl.api().call(m, "PATCH", "config", body, Duration.ofSeconds(30));
                } catch (MemberApi.Unreachable e) {
                    ctl.warn(e.getMessage());
                    ctl.warn("Member " + m.name() + " is not accessible");
                    continue;
                }
                if (r.status() != 200) {
                    ctl.out.println("Failed: " + (paused ? "pause" : "resume") + " cluster management status code="
                            + r.status() + ", (" + r.body() + ")");
                    return 0; // as patronictl: the refusal is reported, the exit status is 0
                }
                if (await) {
                    return waitApplied(dcs, name, paused, view);
                }
                ctl.out.println("Success: cluster management is " + (paused ? "paused" : "resumed"));
                return 0;
            }
            throw new CtlException("Can not find accessible cluster member");
        }

        private int waitApplied(Dcs dcs, String name, boolean paused, ClusterView old) throws Exception {
            ctl.out.println("'" + (paused ? "pause" : "resume") + "' request sent, waiting until it is recognized by all nodes");
            Map<String, Long> known = new LinkedHashMap<>();
            old.members().stream().filter(m -> m.apiUrl() != null).forEach(m -> known.put(m.name(), m.version()));
            Object lw = old.config() == null ? null : old.config().data().get("loop_wait");
            int loopWait = lw instanceof Number n ? n.intValue() : 10;
            long deadline = System.nanoTime() + Duration.ofSeconds(loopWait + 1).toNanos();
            ClusterView view = old;
            while (System.nanoTime() < deadline) {
                view = ctl.load(dcs, name);
                if (view.members().stream().filter(m -> known.containsKey(m.name())).allMatch(m -> m.pause() == paused)) {
                    ctl.out.println("Success: cluster management is " + (paused ? "paused" : "resumed"));
                    return 0;
                }
                ctl.sleeper.sleep(Duration.ofSeconds(1));
            }
            List<String> remaining = view.members().stream().filter(m -> m.pause() != paused
                    && known.containsKey(m.name()) && known.get(m.name()) != m.version()).map(Member::name).toList();
            if (!remaining.isEmpty()) {
                ctl.out.println(String.join(", ", remaining) + " members didn't recognized pause state after "
                        + loopWait + " seconds");
                return 0;
            }
            ctl.out.println("Success: cluster management is " + (paused ? "paused" : "resumed"));
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Disable auto failover")
    static final class PauseCmd extends Toggle {
        @Override
        public Integer call() throws Exception {
            return toggle(true);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume auto failover")
    static final class ResumeCmd extends Toggle {
        @Override
        public Integer call() throws Exception {
            return toggle(false);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove cluster from DCS")
    static final class RemoveCmd implements Callable<Integer> {
        private static final String AWARE = "Yes I am aware";

        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME")
        String cluster;

        @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
        String fmt;

        @Override
        public Integer call() throws Exception {
            ReadCommands.checkFormat(fmt);
            Dcs dcs = ctl.dcs(cluster);
            ClusterView view = ctl.load(dcs, cluster);
            ctl.out.print(MemberTable.render(view, cluster, false, fmt));
            if (!ctl.console.prompt("Please confirm the cluster name to remove", null).equals(cluster)) {
                throw new CtlException("Cluster names specified do not match");
            }
            if (!ctl.console.prompt("You are about to remove all information in DCS for " + cluster + ", please type: \""
                    + AWARE + "\"", null).equals(AWARE)) {
                throw new CtlException("You did not exactly type \"" + AWARE + "\"");
            }
            if (view.leader() != null && !view.leader().name().isEmpty()) {
                String leader = ctl.console.prompt("This cluster currently is healthy. Please specify the leader name to "
                        + "continue", null);
                if (!leader.equals(view.leader().name())) {
                    throw new CtlException("You did not specify the current leader of the cluster");
                }
            }
            DcsOutcome o = dcs.deleteCluster();
            if (!o.ok()) {
                throw new CtlException("could not remove " + cluster + " from " + ctl.config().dcsAddress()
                        + ": " + o);
            }
            return 0;
        }
    }
}
