package io.patronijvm.agent.cli;

import io.patronijvm.agent.Daemon;
import io.patronijvm.agent.config.ConfigLoader;
import io.patronijvm.agent.config.ConfigValidation;
import io.patronijvm.agent.config.LoadResult;
import io.patronijvm.core.config.ConfigProblem;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line, testable in-process: environment, output streams and the daemon are
 * injected, and {@link #execute} returns the exit code instead of exiting.
 */
@Command(name = "patroni-jvm", versionProvider = Cli.Version.class, sortOptions = false,
        description = "A Patroni-compatible high-availability agent for PostgreSQL, using Consul.%n"
                + "Without CONFIG the YAML is read from PATRONI_CONFIGURATION, or built from PATRONI_* variables.")
public final class Cli implements Callable<Integer> {

    /** The Patroni version whose wire protocol we speak (decision 1). */
    public static final String PATRONI_PROTOCOL = "3.3.1";

    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "patroni.yml")
    Path configFile;

    @Option(names = "--validate-config", description = "Check the configuration, print every problem, and exit "
            + "(0 when valid, 1 when not).")
    boolean validateOnly;

    @Option(names = "--ignore-listen-port", description = "With --validate-config: do not fail when the listen "
            + "ports are in use (as Patroni 3.3 does; for validating the configuration of a running node).")
    boolean ignoreListenPort;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean versionRequested;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    boolean helpRequested;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Daemon> daemon;

    public Cli(Map<String, String> env, PrintStream out, PrintStream err, Supplier<Daemon> daemon) {
        this.env = Map.copyOf(env);
        this.out = out;
        this.err = err;
        this.daemon = daemon;
    }

    /** Parses {@code args} and runs; returns the process exit code. Never throws. */
    public int execute(String... args) {
        if (isPlainStart(args)) {
            // The daemon's own start (no option, at most a file name) skips picocli: building its
            // model costs about 0.4 s of a start, and its Java 5 class files cannot go into the
            // AOT cache (measured in issue 17).
            configFile = args.length == 0 ? null : Path.of(args[0]);
            try {
                return call();
            } catch (Exception ex) {
                LOG.error("unexpected failure", ex);
                err.println("patroni-jvm: unexpected failure: " + ex);
                return 1;
            }
        }
        CommandLine cmd = new CommandLine(this);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            LOG.error("unexpected failure", ex);
            err.println("patroni-jvm: unexpected failure: " + ex);
            return 1;
        });
        // Usage errors exit 2 (picocli's default), as argparse does for Patroni.
        return cmd.execute(args);
    }

    /** No arguments, or one that is not an option: what picocli would parse as just CONFIG. */
    public static boolean isPlainStart(String... args) {
        return args.length == 0 || args.length == 1 && !args[0].startsWith("-") && !args[0].startsWith("@")
                && !args[0].isEmpty();
    }

    @Override
    public Integer call() throws Exception {
        LoadResult result = new ConfigLoader(env).load(configFile);
        if (validateOnly) {
            return report(withPatroniChecks(result), out);
        }
        if (!result.valid()) {
            return report(result, err);
        }
        LogLevels.apply(result.loaded().config().logLevel());
        io.patronijvm.agent.logging.LogOutput.apply(result.loaded().logFormat());
        for (ConfigProblem w : result.warnings()) {
            LOG.warn("config: {}", w);
        }
        return daemon.get().run(result.loaded());
    }

    /**
     * Patroni's --validate-config also checks the file against its schema (reachable addresses,
     * free ports, a reachable DCS, the data and bin directories): its verdict is the union.
     */
    private LoadResult withPatroniChecks(LoadResult result) {
        List<ConfigProblem> schema = ConfigValidation.patroniChecks(configFile, env, ignoreListenPort);
        if (schema.isEmpty()) {
            return result;
        }
        List<ConfigProblem> all = new ArrayList<>(result.errors());
        for (ConfigProblem p : schema) {
            if (all.stream().noneMatch(q -> q.path().equals(p.path()))) {
                all.add(p);
            }
        }
        all.addAll(result.warnings());
        return new LoadResult(null, all);
    }

    /** One line per problem, errors first; a summary line last. */
    private int report(LoadResult result, PrintStream to) {
        String source = configFile != null ? configFile.toString()
                : env.containsKey(ConfigLoader.CONFIGURATION_VARIABLE) ? ConfigLoader.CONFIGURATION_VARIABLE : "environment";
        for (ConfigProblem p : result.errors()) {
            to.println("ERROR: " + p);
        }
        for (ConfigProblem p : result.warnings()) {
            to.println("WARNING: " + p);
        }
        if (result.valid()) {
            to.println(source + ": configuration is valid" + (result.warnings().isEmpty() ? ""
                    : " (" + result.warnings().size() + " warning" + (result.warnings().size() == 1 ? "" : "s") + ")"));
            return 0;
        }
        to.println(source + ": configuration is invalid (" + result.errors().size() + " error"
                + (result.errors().size() == 1 ? "" : "s") + ")");
        return 1;
    }

    /** {@code patroni-jvm <version> (Patroni protocol 3.3.1)}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }

    public static String versionLine() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return "patroni-jvm " + (v == null ? "dev" : v) + " (Patroni protocol " + PATRONI_PROTOCOL + ")";
    }
}
