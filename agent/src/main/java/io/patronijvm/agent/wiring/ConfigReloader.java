package io.patronijvm.agent.wiring;

import io.patronijvm.agent.cli.LogLevels;
import io.patronijvm.agent.config.ConfigLoader;
import io.patronijvm.agent.config.LoadResult;
import io.patronijvm.agent.config.LoadedConfig;
import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.pg.PgPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * SIGHUP and {@code POST /reload}: re-reads the YAML and the environment into a new, validated
 * configuration record (style guideline 5: never mutated in place). A broken file changes
 * nothing and is reported with its paths. The log section, the tags, the watchdog section (R62) and the postgresql section (R65,
 * through the loop) apply at once; the other sections the running ports were built from are named in a
 * warning, because they take effect on the next start.
 */
final class ConfigReloader {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Map<String, String> env;
    private final AtomicReference<LoadedConfig> current;
    /** Who applies the parts that take effect at once (the loop, once built). */
    private volatile java.util.function.Consumer<LoadedConfig> live = c -> { };

    ConfigReloader(Map<String, String> env, LoadedConfig initial) {
        this.env = Map.copyOf(env);
        this.current = new AtomicReference<>(initial);
    }

    LoadedConfig current() {
        return current.get();
    }

    /** Sets who applies a successful reload's live parts (R65: the local postgresql section). */
    void onReload(java.util.function.Consumer<LoadedConfig> applier) {
        this.live = applier;
    }

    synchronized IntentResult reload() {
        LoadedConfig old = current.get();
        LoadResult r = new ConfigLoader(env).load(old.file());
        if (!r.valid()) {
            String errors = r.errors().stream().map(ConfigProblem::toString).collect(Collectors.joining("; "));
            log.error("reload of {} refused, keeping the running configuration: {}", old.source(), errors);
            return new IntentResult(IntentResult.Kind.FAILED, "configuration is invalid: " + errors);
        }
        LoadedConfig next = r.loaded();
        current.set(next);
        LogLevels.apply(next.config().logLevel());
        io.patronijvm.agent.logging.LogOutput.apply(next.logFormat());
        live.accept(next);
        List<String> later = changedSections(old.config(), next.config());
        if (later.isEmpty()) {
            log.info("reloaded {}", next.source());
            return IntentResult.done("reloaded configuration");
        }
        log.warn("reloaded {}; changes to {} take effect when the agent restarts", next.source(),
                String.join(", ", later));
        return IntentResult.done("reloaded configuration; changes to " + String.join(", ", later)
                + " take effect when the agent restarts");
    }

    private static List<String> changedSections(PatroniConfig a, PatroniConfig b) {
        List<String> out = new ArrayList<>();
        check(out, "name/scope/namespace", List.of(a.name(), a.scope(), a.namespace()),
                List.of(b.name(), b.scope(), b.namespace()));
        check(out, "restapi", a.restapi(), b.restapi());
        check(out, "consul", a.consul(), b.consul());
        check(out, "etcd3", a.etcd3(), b.etcd3());
        // R65: the rest of the postgresql section is applied at once by the loop.
        if (!PgPaths.of(a.postgresql()).sameInstance(PgPaths.of(b.postgresql()))) {
            out.add("postgresql data_dir/config_dir");
        }
        check(out, "postgresql bin_dir", String.valueOf(a.postgresql().binDir()), String.valueOf(b.postgresql().binDir()));
        return out;
    }

    private static void check(List<String> out, String what, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(what);
        }
    }
}
