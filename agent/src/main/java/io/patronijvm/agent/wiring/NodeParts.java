package io.patronijvm.agent.wiring;

import io.patronijvm.agent.config.LoadedConfig;
import io.patronijvm.agent.ha.HaContext;
import io.patronijvm.agent.ha.HaLoop;
import io.patronijvm.agent.ha.HttpPeerClient;
import io.patronijvm.agent.ha.PeerTls;
import io.patronijvm.agent.ha.ProcessCallbacks;
import io.patronijvm.agent.ha.ScheduledTimerService;
import io.patronijvm.agent.ha.ThreadAsyncSlot;
import io.patronijvm.agent.watchdog.Watchdog;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.LocalPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * One node's HA machinery built from the local configuration: PostgreSQL control, peer client,
 * async slot, callbacks, lease timer and the loop over them. {@link #close()} frees the threads
 * and connections (PostgreSQL itself keeps running, decision 6); the DCS is the caller's.
 */
final class NodeParts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeParts.class);
    /** Connect timeout of the race and switchover probes (R23.11): a dead peer costs little. */
    private static final Duration PEER_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    final LocalPostgres pg;
    final HttpPeerClient peers;
    final ThreadAsyncSlot slot;
    final ProcessCallbacks callbacks;
    final ScheduledTimerService timers;
    final HaContext context;
    final HaLoop loop;

    NodeParts(LoadedConfig cfg, DynamicConfig dynamic, Dcs dcs, MonotonicClock clock, Sleeper sleeper) {
        this(cfg, dynamic, dcs, null, clock, sleeper);
    }

    /** @param leaseRule the DCS's ttl-to-provable-lease rule ({@link DcsChoice}); null: Consul's */
    NodeParts(LoadedConfig cfg, DynamicConfig dynamic, Dcs dcs, java.util.function.IntToLongFunction leaseRule,
              MonotonicClock clock, Sleeper sleeper) {
        PatroniConfig c = cfg.config();
        this.pg = new LocalPostgres(c.postgresql(), c.bootstrap(), c.scope(), c.name(), dynamic, clock, sleeper);
        boolean ctlAuth = c.ctlUsername() != null && c.ctlPassword() != null;
        this.peers = new HttpPeerClient(PEER_CONNECT_TIMEOUT, clock, ctlAuth ? c.ctlUsername() : c.restapi().username(),
                ctlAuth ? c.ctlPassword() : c.restapi().password(), PeerTls.onDemand(cfg.effective()));
        this.slot = new ThreadAsyncSlot("ha-async");
        this.callbacks = new ProcessCallbacks(c.postgresql().callbacks(), c.scope(), "callbacks");
        this.timers = new ScheduledTimerService("lease-timer");
        this.context = new HaContext(c.name(), c.scope(), c.postgresql().connUrl(), c.restapi().apiUrl(), c.tags(),
                LocalSettings.from(c, dynamic), c.postgresql().dataDir(), cfg.bootstrapDcs().raw(), null,
                c.postgresql().pgCtlTimeout(), clock, sleeper, dcs, pg, peers, slot, callbacks, timers, leaseRule,
                Watchdog.create(new Watchdog.Settings(c.watchdog(), dynamic.ttl(), dynamic.loopWait())));
        this.loop = new HaLoop(context, HaDecider::decide);
        loop.state().config(dynamic);
    }

    /** What the REST API shows before the first cycle: PostgreSQL as observed now, no lease, no view. */
    StatusSnapshot initialSnapshot(DynamicConfig dynamic) {
        LocalPgState observed = pg.observe();
        long now = context.clock().nanoTime();
        String version = HaLoop.class.getPackage().getImplementationVersion();
        return new StatusSnapshot(context.scope(), context.name(), io.patronijvm.agent.ha.MemberData.PROTOCOL_VERSION,
                "patroni-jvm " + (version == null ? "0.1.0-SNAPSHOT" : version), Role.UNINITIALIZED, observed,
                Long.MIN_VALUE, null, now, null, dynamic, context.tags(), dynamic.pause(), false, false, "starting", 0,
                now + dynamic.loopWaitDuration().toNanos(), null, now);
    }

    /** Upper bound of a graceful shutdown (R63): fast stop, wait for a replica's checkpoint, release. */
    Duration shutdownBudget() {
        DynamicConfig d = loop.state().config();
        return context.startTimeout().plusSeconds(10).plus(d.retryTimeoutDuration().multipliedBy(2))
                .plus(d.loopWaitDuration()).plusSeconds(5);
    }

    @Override
    public void close() {
        for (AutoCloseable part : new AutoCloseable[] {slot, timers, callbacks, pg}) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", part.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
