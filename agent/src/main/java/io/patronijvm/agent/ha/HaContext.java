package io.patronijvm.agent.ha;

import io.patronijvm.agent.watchdog.Watchdog;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Tags;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The ports and fixed settings one node's loop and executor work with. Production wiring builds
 * one from the configuration; the simulator builds one per simulated node.
 *
 * @param name          member name
 * @param scope         cluster name
 * @param connUrl       our {@code conn_url}
 * @param apiUrl        our {@code api_url}
 * @param tags          our effective tags
 * @param local         local settings the decider needs
 * @param dataDir       data directory for the patroni.dynamic.json cache, or null for none
 * @param bootstrapDcs  {@code bootstrap.dcs}, written to {@code config} after bootstrap (R16)
 * @param probeTimeout  per-peer timeout of the race probes (R23.11, default 2 s)
 * @param startTimeout  how long a start, stop or promote may take (pg_ctl_timeout)
 * @param leaseRule     ttl seconds to the provable lease in nanoseconds; null: {@link LeaseMath#provableLeaseNanos}
 *                      (the simulator injects Patroni's rule to show why ours is needed)
 * @param watchdog      the node's watchdog (R62); null: mode off
 */
public record HaContext(
        String name,
        String scope,
        String connUrl,
        String apiUrl,
        Tags tags,
        LocalSettings local,
        Path dataDir,
        Map<String, Object> bootstrapDcs,
        Duration probeTimeout,
        Duration startTimeout,
        MonotonicClock clock,
        Sleeper sleeper,
        Dcs dcs,
        PostgresControl pg,
        PeerClient peers,
        AsyncSlot slot,
        Callbacks callbacks,
        TimerService timers,
        IntToLongFunction leaseRule,
        Watchdog watchdog) {

    public HaContext {
        tags = tags == null ? Tags.NONE : tags;
        local = local == null ? LocalSettings.DEFAULTS : local;
        bootstrapDcs = bootstrapDcs == null ? Map.of() : Map.copyOf(bootstrapDcs);
        leaseRule = leaseRule == null ? LeaseMath::provableLeaseNanos : leaseRule;
        probeTimeout = probeTimeout == null ? Duration.ofSeconds(2) : probeTimeout;
        startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
        watchdog = watchdog == null ? Watchdog.off() : watchdog;
    }

    /** A context without a watchdog (tests and the simulator). */
    public HaContext(String name, String scope, String connUrl, String apiUrl, Tags tags, LocalSettings local,
                     Path dataDir, Map<String, Object> bootstrapDcs, Duration probeTimeout, Duration startTimeout,
                     MonotonicClock clock, Sleeper sleeper, Dcs dcs, PostgresControl pg, PeerClient peers,
                     AsyncSlot slot, Callbacks callbacks, TimerService timers, IntToLongFunction leaseRule) {
        this(name, scope, connUrl, apiUrl, tags, local, dataDir, bootstrapDcs, probeTimeout, startTimeout, clock,
                sleeper, dcs, pg, peers, slot, callbacks, timers, leaseRule, null);
    }
}
