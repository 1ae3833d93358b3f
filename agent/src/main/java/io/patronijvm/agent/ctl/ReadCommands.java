package io.patronijvm.agent.ctl;

import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that only read: list, topology, history, show-config, dsn, version. */
final class ReadCommands {

    private ReadCommands() {
    }

    static String checkFormat(String fmt) throws CtlException {
        if (!Output.FORMATS.contains(fmt) || fmt.equals("topology")) {
            throw new CtlException("unknown output format '" + fmt + "' (pretty, tsv, json, yaml)");
        }
        return fmt;
    }

    /** list and topology: the member table, once or every {@code -w} seconds. */
    abstract static class Listing implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..*", description = "Cluster names (default: scope)")
        List<String> clusters = new ArrayList<>();

        @Option(names = "-W", description = "Auto update the screen every 2 seconds")
        boolean watchEvery2;

        @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS", description = "Auto update the screen every X seconds")
        Double watch;

        abstract String format() throws CtlException;

        boolean extended() {
            return false;
        }

        boolean timestamp() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            String fmt = format();
            List<String> names = new ArrayList<>(clusters);
            if (names.isEmpty()) {
                String scope = ctl.config().scope();
                if (scope == null || scope.isBlank()) {
                    ctl.warn("Listing members: No cluster names were provided");
                    return 0;
                }
                names.add(scope);
            }
            double every = watch != null ? watch : watchEvery2 ? 2 : 0;
            boolean clear = every > 0 && System.console() != null;
            while (true) {
                if (clear) {
                    ctl.out.print("\033[2J\033[1;1H");
                }
                if (timestamp()) {
                    ctl.out.println(Ctl.timestamp(0));
                }
                for (String name : names) {
                    ctl.out.print(MemberTable.render(ctl.read(name), name, extended(), fmt));
                }
                ctl.out.flush();
                if (every <= 0) {
                    return 0;
                }
                ctl.sleeper.sleep(Duration.ofMillis((long) (every * 1000)));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the Patroni members for a given Patroni")
    static final class ListCmd extends Listing {
        @Option(names = {"-e", "--extended"}, description = "Show some extra information")
        boolean extended;

        @Option(names = {"-t", "--timestamp"}, description = "Print timestamp")
        boolean ts;

        @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
        String fmt;

        @Override
        String format() throws CtlException {
            return checkFormat(fmt);
        }

        @Override
        boolean extended() {
            return extended;
        }

        @Override
        boolean timestamp() {
            return ts;
        }
    }

    @Command(name = "topology", mixinStandardHelpOptions = true, description = "Prints ASCII topology for given cluster")
    static final class TopologyCmd extends Listing {
        @Override
        String format() {
            return "topology";
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Show the history of failovers/switchovers")
    static final class HistoryCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Option(names = {"-f", "--format"}, defaultValue = "pretty", description = "Output format (pretty, tsv, json, yaml)")
        String fmt;

        @Override
        public Integer call() throws Exception {
            checkFormat(fmt);
            String name = ctl.clusterName(cluster);
            ClusterView view = ctl.read(name);
            List<List<Object>> rows = new ArrayList<>();
            for (HistoryEntry h : view.history()) {
                rows.add(new ArrayList<>(List.of(h.timeline(), h.lsn(), nz(h.reason()), nz(h.timestamp()),
                        nz(h.newLeader()))));
            }
            ctl.out.print(Output.render(List.of("TL", "LSN", "Reason", "Timestamp", "New Leader"), rows,
                    Set.of("TL", "LSN"), fmt, null));
            return 0;
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }

    @Command(name = "show-config", mixinStandardHelpOptions = true, description = "Show cluster configuration")
    static final class ShowConfigCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Override
        public Integer call() throws Exception {
            String name = ctl.clusterName(cluster);
            ClusterView view = ctl.read(name);
            ctl.out.println(PyYaml.dump(view.config() == null ? java.util.Map.of() : view.config().data(), false));
            return 0;
        }
    }

    @Command(name = "dsn", mixinStandardHelpOptions = true,
            description = "Generate a dsn for the provided member, defaults to a dsn of the leader")
    static final class DsnCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Option(names = {"-r", "--role"}, description = "Give a dsn of any member with this role")
        String role;

        @Option(names = {"-m", "--member"}, description = "Generate a dsn for this member")
        String member;

        @Override
        public Integer call() throws Exception {
            if (member != null && role != null) {
                throw new CtlException("--role and --member are mutually exclusive options");
            }
            String r = member != null ? "any" : role == null ? "leader" : Members.checkRole(role);
            String name = ctl.clusterName(cluster);
            ClusterView view = ctl.read(name);
            Member m = Members.all(view, r).stream().filter(x -> member == null || x.name().equals(member))
                    .findFirst().orElseThrow(() -> new CtlException("Can not find a suitable member"));
            MemberTable.Row row = MemberTable.rows(view).stream().filter(x -> x.name().equals(m.name())).findFirst()
                    .orElse(null);
            ctl.out.println("host=" + (row == null || row.host() == null ? "None" : row.host()) + " port="
                    + (row == null || row.port() == null ? "None" : row.port()));
            return 0;
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true,
            description = "Output version of patronictl command or a running Patroni instance")
    static final class VersionCmd implements Callable<Integer> {
        @ParentCommand
        Ctl ctl;

        @Parameters(index = "0", paramLabel = "CLUSTER_NAME", arity = "0..1")
        String cluster;

        @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES", arity = "0..*")
        List<String> memberNames = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            // patronictl's line exactly (scripts parse it); `ctl --version` names patroni-jvm's build.
            ctl.out.println("patronictl version " + Ctl.PATRONICTL_VERSION);
            if (cluster == null) {
                return 0;
            }
            ctl.out.println();
            ClusterView view = ctl.read(cluster);
            for (Member m : Members.all(view, "any")) {
                if (m.apiUrl() == null || (!memberNames.isEmpty() && !memberNames.contains(m.name()))) {
                    continue;
                }
                try {
                    MemberApi.Response r = ctl.api().call(m, "GET", null, null, Duration.ofSeconds(10));
                    JsonView data = PlainJson.view(r.body());
                    String version = data.path("patroni").path("version").asText("None");
                    long pg = data.path("server_version").asLong(0);
                    ctl.out.println(m.name() + ": Patroni " + version + (pg > 0 ? " PostgreSQL " + pgVersion(pg) : ""));
                } catch (MemberApi.Unreachable | com.fasterxml.jackson.core.JsonProcessingException e) {
                    ctl.out.println(m.name() + ": failed to get version: " + e.getMessage());
                }
            }
            return 0;
        }

        static String pgVersion(long v) {
            return v < 100000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) : (v / 10000) + "." + (v % 100);
        }
    }
}
