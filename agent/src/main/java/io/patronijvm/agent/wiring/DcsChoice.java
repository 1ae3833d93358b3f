package io.patronijvm.agent.wiring;

import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.dcs.consul.ConsulDcs;
import io.patronijvm.dcs.etcd.EtcdDcs;

import java.util.function.IntToLongFunction;

/**
 * The DCS the configuration names (exactly one section, checked by the loader), with what the
 * rest of the agent must know about it: a name for log lines, where it is, and its lease rule
 * (ttl to the provable lease, decision 3): Consul's session TTL is ttl/2 and Consul may expire it
 * from there on; etcd's lease TTL is ttl and etcd expires it exactly then (docs/etcd-lease.md).
 *
 * @param dcs       the port
 * @param name      {@code consul} or {@code etcd3}
 * @param address   where it is, for messages
 * @param leaseRule ttl seconds to the provable lease in nanoseconds
 */
record DcsChoice(Dcs dcs, String name, String address, IntToLongFunction leaseRule) {

    static DcsChoice forNode(PatroniConfig c, int ttl, int retryTimeout, MonotonicClock clock, Sleeper sleeper) {
        if (c.etcd3() != null) {
            return new DcsChoice(EtcdDcs.forNode(c, ttl, retryTimeout, clock, sleeper), "etcd3", c.dcsAddress(),
                    LeaseMath::etcdProvableLeaseNanos);
        }
        return new DcsChoice(ConsulDcs.forNode(c, ttl, retryTimeout, clock, sleeper), "consul", c.dcsAddress(),
                LeaseMath::provableLeaseNanos);
    }

    /** The configuration keys to check when the DCS cannot be reached. */
    String addressKeys() {
        return name.equals("etcd3") ? "etcd3.host / etcd3.hosts / etcd3.url" : "consul.host / consul.url";
    }
}
