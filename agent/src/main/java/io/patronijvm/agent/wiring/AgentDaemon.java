package io.patronijvm.agent.wiring;

import io.patronijvm.agent.Daemon;
import io.patronijvm.agent.config.LoadedConfig;
import io.patronijvm.agent.ha.HaLoop;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.restapi.RestApiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The running agent: builds the ports from the configuration, checks it may start, serves the
 * REST API and runs the HA loop on the thread {@code ha-loop} until shutdown.
 *
 * <p>Start order: refuse root; wait for the DCS (T6, bounded by {@code PATRONI_JVM_DCS_STARTUP_TIMEOUT}), meanwhile
 * building the loop and the REST server (unbound) on another thread; refuse a name a running node already uses
 * (issue #1804); REST API; HA loop. Shutdown (SIGTERM, SIGINT, {@link #close()}): the loop's
 * R63 cycle (leader: fast stop, release after a replica has the shutdown checkpoint; paused:
 * PostgreSQL and the lock stay), then the REST API, then the DCS session. Exit codes: 0 after a
 * requested shutdown, 1 when the loop stopped on its own (a fatal decision) or start-up failed.
 */
public final class AgentDaemon implements Daemon, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);

    private final Map<String, String> env;
    private final boolean handleSignals;
    private final MonotonicClock clock = MonotonicClock.SYSTEM;
    private final Sleeper sleeper = Sleeper.SYSTEM;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /**
     * Counted down by a stop request and by the loop thread's end: the main thread blocks on it
     * instead of polling the loop (a 200 ms poll was a tenth of an idle agent's CPU time).
     */
    private final CountDownLatch stopOrLoopEnded = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile NodeParts parts;
    private volatile Duration shutdownBudget = Duration.ofSeconds(120);

    /**
     * @param env           the process environment (reload re-reads the overrides from it)
     * @param handleSignals install SIGTERM/SIGINT/SIGHUP handlers and a shutdown hook (the real
     *                      process); false for an agent run inside a test JVM
     */
    public AgentDaemon(Map<String, String> env, boolean handleSignals) {
        this.env = Map.copyOf(env);
        this.handleSignals = handleSignals;
    }

    /** The loop, once built (tests read its state). */
    public Optional<HaLoop> loop() {
        NodeParts p = parts;
        return p == null ? Optional.empty() : Optional.of(p.loop);
    }

    @Override
    public int run(LoadedConfig cfg) throws Exception {
        try {
            MDC.put("member", cfg.config().name());
            return runChecked(cfg);
        } finally {
            MDC.remove("member");
            finished.countDown();
        }
    }

    private int runChecked(LoadedConfig cfg) throws InterruptedException {
        PatroniConfig c = cfg.config();
        if (StartupChecks.runningAsRoot()) {
            log.error("refusing to run as root: PostgreSQL cannot run as root; start the agent as the user that "
                    + "owns {} (usually postgres)", c.postgresql().dataDir());
            return 1;
        }
        ConfigReloader reloader = new ConfigReloader(env, cfg);
        if (handleSignals) {
            installSignals(reloader);
        }
        Duration dcsBound;
        try {
            dcsBound = StartupChecks.dcsStartupTimeout(env);
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        DynamicConfig dynamic = InitialConfig.of(cfg);
        DcsChoice choice;
        try {
            choice = DcsChoice.forNode(c, dynamic.ttl(), dynamic.retryTimeout(), clock, sleeper);
        } catch (IllegalArgumentException e) {
            log.error("cannot set up the {} client: {}", c.dcsName(), e.getMessage());
            return 1;
        }
        Dcs dcs = choice.dcs();
        // What does not depend on the DCS's answer (PostgreSQL's first observation, the loop, the
        // REST server's routes) is built while the DCS is asked: two cores, and a start waits for both.
        CompletableFuture<Prepared> prepared = prepare(cfg, dynamic, dcs, choice, reloader);
        boolean keepSession = false;
        boolean used = false;
        try {
            Optional<ClusterView> view;
            try {
                view = StartupChecks.awaitDcs(dcs, choice.name(), choice.address(), stopRequested, dcsBound, clock);
            } catch (DcsUnavailableException e) {
                log.error("cannot reach {} at {} within {} s ({}): {}; check {} in the configuration; exiting",
                        choice.name(), choice.address(), dcsBound.toSeconds(), StartupChecks.DCS_STARTUP_TIMEOUT_ENV,
                        e.getMessage(), choice.addressKeys());
                return 1;
            }
            if (view.isEmpty()) {
                log.info("shutdown requested before {} answered", choice.name());
                return 0;
            }
            if (StartupChecks.nameTakenByRunningNode(view.get(), c.name())) {
                log.error("there is already a node named {} running (members/{} in {}, and its REST API "
                        + "answers); refusing to start", c.name(), c.name(), choice.name());
                return 1;
            }
            prepareWrites(dcs, c.name());
            Prepared ready = Prepared.await(prepared);
            used = true;
            NodeParts p = ready.parts();
            parts = p;
            reloader.onReload(next -> {
                p.loop.offerLocalPostgresql(next.config().postgresql());
                p.loop.offerTags(next.config().tags());
                p.loop.offerWatchdog(next.config().watchdog());
            });
            shutdownBudget = p.shutdownBudget();
            try {
                int code = serve(cfg, ready);
                StatusSnapshot last = p.loop.snapshot();
                // R63 in pause: the lock stays, so the session it is bound to must not be destroyed.
                keepSession = last != null && last.paused() && stopRequested.getCount() == 0;
                return code;
            } finally {
                p.close();
            }
        } finally {
            if (!used) {
                Prepared.discard(prepared);
            }
            if (keepSession) {
                log.info("paused: leaving the {} session to expire by itself so the leader key stays", choice.name());
            } else {
                dcs.close();
            }
        }
    }

    private CompletableFuture<Prepared> prepare(LoadedConfig cfg, DynamicConfig dynamic, Dcs dcs, DcsChoice choice,
                                                ConfigReloader reloader) {
        PatroniConfig c = cfg.config();
        return CompletableFuture.supplyAsync(() -> {
            MDC.put("member", c.name());
            NodeParts p = new NodeParts(cfg, dynamic, dcs, choice.leaseRule(), clock, sleeper);
            try {
                LoopNodeControl control = new LoopNodeControl(p.loop, clock, p.initialSnapshot(dynamic), reloader::reload);
                return new Prepared(p, new RestApiServer(c.restapi(), c.scope(), c.name(), control, dcs, p.peers));
            } catch (RuntimeException | Error e) {
                p.close();
                throw e;
            } finally {
                MDC.remove("member");
            }
        }, task -> {
            Thread t = new Thread(task, "start-prepare");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * The first member key needs a Consul session or an etcd lease: one more round trip (a Raft
     * write, ~50 ms) inside the loop's first write. Made on a thread of its own while the REST API
     * binds and the loop reads the DCS and PostgreSQL; the write waits on the DCS client's lock if
     * it is not done yet. A failure is left to that write, which reports it.
     */
    private static void prepareWrites(Dcs dcs, String member) {
        Thread t = new Thread(() -> {
            MDC.put("member", member);
            DcsOutcome o = dcs.prepareWrites();
            if (!o.ok()) {
                log.debug("session or lease not prepared ahead of the first write: {} {}", o.kind(), o.detail());
            }
        }, "dcs-prepare");
        t.setDaemon(true);
        t.start();
    }

    /** The node's parts and its REST server, built but not bound. */
    private record Prepared(NodeParts parts, RestApiServer rest) {

        /** The prepared parts; what failed building them is thrown as it was. */
        static Prepared await(CompletableFuture<Prepared> f) throws InterruptedException {
            try {
                return f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** A start that ended before serving: free what was built (it binds and runs nothing yet). */
        static void discard(CompletableFuture<Prepared> f) {
            f.whenComplete((p, e) -> {
                if (p != null) {
                    p.rest().close();
                    p.parts().close();
                }
            });
        }
    }

    private int serve(LoadedConfig cfg, Prepared ready) throws InterruptedException {
        PatroniConfig c = cfg.config();
        RestApiServer rest = ready.rest();
        try {
            rest.start();
        } catch (RuntimeException e) {
            log.error("cannot start the REST API on {}:{}: {}", c.restapi().listenHost(), c.restapi().listenPort(),
                    rootMessage(e));
            rest.close();
            return 1;
        }
        try {
            return runLoop(ready.parts());
        } finally {
            rest.close();
        }
    }

    /** Runs the loop thread until it ends by itself (fatal: 1) or a shutdown was requested and done (0). */
    private int runLoop(NodeParts p) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                p.loop.run();
            } finally {
                stopOrLoopEnded.countDown();
            }
        }, "ha-loop");
        t.setDaemon(true); // a loop stuck past the shutdown budget must not keep the JVM alive
        t.start();
        stopOrLoopEnded.await(); // either the loop stops by itself (a fatal decision) or someone asks us to stop
        if (stopRequested.getCount() > 0) {
            log.error("the HA loop stopped; exiting with status 1");
            return 1;
        }
        log.info("shutting down");
        p.loop.requestShutdown();
        t.join(shutdownBudget.toMillis());
        if (t.isAlive()) {
            log.error("the HA loop did not finish its shutdown within {} s; exiting anyway", shutdownBudget.toSeconds());
            t.interrupt();
            return 1;
        }
        return 0;
    }

    /** SIGTERM's path without a signal: requests the shutdown and waits until {@link #run} returned. */
    @Override
    public void close() throws InterruptedException {
        stopRequested.countDown();
        stopOrLoopEnded.countDown();
        if (!finished.await(shutdownBudget.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
            log.error("shutdown did not finish within {} s", shutdownBudget.plusSeconds(10).toSeconds());
        }
    }

    private void installSignals(ConfigReloader reloader) {
        boolean term = SignalHandlers.install("TERM", this::requestStop);
        SignalHandlers.install("INT", this::requestStop);
        SignalHandlers.install("HUP", () -> {
            reloader.reload();
            NodeParts p = parts;
            if (p != null) {
                p.loop.wakeUp();
            }
        });
        // Without our SIGTERM handler the JVM's own starts the shutdown: the hook then does ours, bounded.
        Thread hook = new Thread(() -> {
            requestStop();
            try {
                finished.await(shutdownBudget.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        log.debug("signal handlers installed (SIGTERM handled: {})", term);
    }

    private void requestStop() {
        if (finished.getCount() == 0) {
            return; // the hook after a normal exit
        }
        if (stopRequested.getCount() == 0) {
            log.info("shutdown already in progress");
        }
        stopRequested.countDown();
        stopOrLoopEnded.countDown();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
