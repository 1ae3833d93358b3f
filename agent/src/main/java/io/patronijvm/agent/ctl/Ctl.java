package io.patronijvm.agent.ctl;

import io.patronijvm.agent.cli.Cli;
import io.patronijvm.agent.config.CtlConfig;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.dcs.consul.ConsulClusterReader;
import io.patronijvm.dcs.consul.ConsulDcs;
import io.patronijvm.dcs.etcd.EtcdDcs;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agent.jar ctl}: patronictl 3.0.2's commands, options, questions and output (spec 5),
 * reading Consul or etcd v3 directly (never creating a session or lease) and acting through
 * the members' REST API. Testable in-process: environment and streams are
 * injected and {@link #run} returns the exit code.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, versionProvider = Ctl.Version.class, sortOptions = false,
        description = "Patroni control: patronictl's commands for a patroni-jvm (or Patroni) cluster on Consul or etcd v3.")
public final class Ctl {

    static final String PATRONICTL_VERSION = "3.0.2";

    /** Every subcommand, in the order of the help text. */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("dsn", ReadCommands.DsnCmd.class);
        m.put("edit-config", ConfigCommands.EditConfigCmd.class);
        m.put("failover", SwitchoverCommands.FailoverCmd.class);
        m.put("flush", MemberCommands.FlushCmd.class);
        m.put("history", ReadCommands.HistoryCmd.class);
        m.put("list", ReadCommands.ListCmd.class);
        m.put("pause", ConfigCommands.PauseCmd.class);
        m.put("reinit", MemberCommands.ReinitCmd.class);
        m.put("reload", MemberCommands.ReloadCmd.class);
        m.put("remove", ConfigCommands.RemoveCmd.class);
        m.put("restart", MemberCommands.RestartCmd.class);
        m.put("resume", ConfigCommands.ResumeCmd.class);
        m.put("show-config", ReadCommands.ShowConfigCmd.class);
        m.put("switchover", SwitchoverCommands.SwitchoverCmd.class);
        m.put("topology", ReadCommands.TopologyCmd.class);
        m.put("version", ReadCommands.VersionCmd.class);
        m.put("generate-completion", AutoComplete.GenerateCompletion.class);
        return m;
    }

    @Option(names = {"-c", "--config-file"}, paramLabel = "FILE",
            description = "Configuration file (default: $PATRONICTL_CONFIG_FILE or ~/.config/patroni/patronictl.yaml)")
    String configFile;

    @Option(names = {"-d", "--dcs-url", "--dcs"}, paramLabel = "URL", description = "The DCS connect url (consul://host:8500, etcd3://host:2379)")
    String dcsUrl;

    @Option(names = {"-k", "--insecure"}, description = "Allow connections to SSL sites without certs")
    boolean insecure;

    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;
    final Console console;
    final Sleeper sleeper;
    private CtlConfig config;
    private MemberApi api;

    Ctl(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Sleeper sleeper) {
        this.env = Map.copyOf(env);
        this.out = out;
        this.err = err;
        this.sleeper = sleeper;
        this.console = new Console(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out);
    }

    /** Runs {@code ctl <args>}; never throws, never exits the JVM. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        Ctl ctl = new Ctl(env, in, out, err, Sleeper.SYSTEM);
        java.util.concurrent.Callable<Integer> quick = QuickParse.parse(ctl, args);
        if (quick != null) {
            try {
                return quick.call();
            } catch (Exception e) {
                return ctl.failed(e);
            }
        }
        ctl = new Ctl(env, in, out, err, Sleeper.SYSTEM);
        CommandLine cmd = commandLine(ctl, args);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        Ctl root = ctl;
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> root.failed(ex));
        return cmd.execute(args);
    }

    /** A command's failure as patronictl reports it: one line on standard error, exit 1, no stack trace. */
    private int failed(Exception ex) {
        out.flush();
        if (ex instanceof CtlException || ex instanceof Console.Aborted) {
            err.println(ex instanceof Console.Aborted ? ex.getMessage() : "Error: " + ex.getMessage());
        } else if (ex instanceof MemberApi.Unreachable) {
            // patronictl ends with urllib3's traceback here; the same exit status, the reason in one line.
            err.println("Error: " + ex.getMessage());
        } else if (ex instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
        } else {
            err.println("Error: unexpected failure: " + ex);
        }
        return 1;
    }

    /**
     * picocli builds the model of every registered command by reflection, which costs a command
     * line most of its start-up time (measured: 0.2 s of CPU for all 17): when the arguments
     * name a subcommand, only that one is registered. Help and completion see them all.
     */
    static CommandLine commandLine(Object root, String... args) {
        CommandLine cmd = new CommandLine(root);
        String named = subcommandName(args);
        for (Map.Entry<String, Class<?>> e : COMMANDS.entrySet()) {
            if (named == null || named.equals(e.getKey())) {
                cmd.addSubcommand(e.getKey(), e.getValue());
            }
        }
        return cmd;
    }

    /** The first argument that is neither a global option nor its value, if it names a known command. */
    private static String subcommandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (List.of("-c", "--config-file", "-d", "--dcs-url", "--dcs").contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return COMMANDS.containsKey(a) && !a.equals("generate-completion") ? a : null;
            }
        }
        return null;
    }

    CtlConfig config() throws CtlException {
        if (config == null) {
            String fromEnv = env.get("PATRONICTL_CONFIG_FILE");
            String chosen = configFile != null ? configFile : fromEnv;
            Path file = chosen != null ? Path.of(chosen) : defaultConfigFile();
            String url = dcsUrl != null ? dcsUrl : env.get("DCS_URL");
            try {
                config = CtlConfig.load(file, chosen != null, url, insecure, env);
            } catch (CtlConfig.Invalid e) {
                throw new CtlException(e.getMessage());
            }
        }
        return config;
    }

    private Path defaultConfigFile() {
        String xdg = env.get("XDG_CONFIG_HOME");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("patroni/patronictl.yaml");
    }

    /** The cluster named on the command line, else the configuration's {@code scope}. */
    String clusterName(String given) throws CtlException {
        if (given != null && !given.isBlank()) {
            return given;
        }
        String scope = config().scope();
        if (scope == null || scope.isBlank()) {
            throw new CtlException("no cluster name given and the configuration has no 'scope'");
        }
        return scope;
    }

    /**
     * A client of one cluster's keys for the commands that write (config, failover, remove):
     * reads and compare-and-set writes only, so it never creates a session or a lease.
     */
    Dcs dcs(String cluster) throws CtlException {
        CtlConfig c = config();
        try {
            if (c.etcd3() != null) {
                return EtcdDcs.forCluster(c.etcd3(), c.namespace(), cluster, MonotonicClock.SYSTEM, sleeper,
                        c.retryTimeoutSeconds());
            }
            return new ConsulDcs(c.consul(), c.namespace(), cluster, cluster, MonotonicClock.SYSTEM, sleeper, 30,
                    c.retryTimeoutSeconds());
        } catch (IllegalArgumentException e) {
            throw new CtlException(e.getMessage());
        }
    }

    ClusterView load(Dcs dcs, String cluster) throws CtlException {
        try {
            return dcs.loadCluster();
        } catch (DcsUnavailableException e) {
            throw unreadable(cluster, e);
        }
    }

    /**
     * One read of the cluster for the commands that only read. On Consul this skips the
     * read-write client (its JSON writer and HTTP set-up): {@code list} is what operators run most and wait for.
     */
    ClusterView read(String cluster) throws CtlException {
        CtlConfig c = config();
        if (c.etcd3() != null) {
            return load(dcs(cluster), cluster);
        }
        try {
            return ConsulClusterReader.read(c.consul(), c.namespace(), cluster, MonotonicClock.SYSTEM, sleeper,
                    Duration.ofSeconds(c.retryTimeoutSeconds()));
        } catch (DcsUnavailableException e) {
            throw unreadable(cluster, e);
        } catch (IllegalArgumentException e) {
            throw new CtlException(e.getMessage());
        }
    }

    private CtlException unreadable(String cluster, DcsUnavailableException e) throws CtlException {
        return new CtlException("cannot read cluster " + cluster + " from " + config().dcsAddress() + ": "
                + e.getMessage());
    }

    MemberApi api() throws CtlException {
        if (api == null) {
            api = new MemberApi(config().rest());
        }
        return api;
    }

    /** patronictl's {@code timestamp(precision)}: {@code 2024-01-02 03:04:05.12345} (6) or to the second (0). */
    static String timestamp(int precision) {
        String full = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS"));
        return full.substring(0, full.length() - 7 + precision);
    }

    /** A warning as patronictl's logging prints it to standard error. */
    void warn(String message) {
        String ts = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"));
        err.println(ts + " - WARNING - " + message);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"patronictl version " + PATRONICTL_VERSION + " (" + Cli.versionLine() + ")"};
        }
    }
}
