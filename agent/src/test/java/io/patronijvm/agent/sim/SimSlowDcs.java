package io.patronijvm.agent.sim;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.SplittableRandom;

/**
 * A slow, flaky DCS for one node during one window (issue 17: the leader renews only every
 * loop_wait, so slow and failed renewals must cost availability at worst, never safety). The node
 * is the one holding the leader key when the window opens (the planned one if none does). In the
 * window every call of its agent takes up to half of retry_timeout of its HA thread, or one in
 * five hangs for the whole retry_timeout and fails unapplied. An applied call takes effect
 * at the moment it starts, the soonest a real server could see it: the least lease it can give.
 *
 * <p>Drawn from a random stream of its own (as the promotion pauses), so each seed's planned
 * faults and workload stay what they were; half of the seeds get a window of 20 to 60 s.
 */
final class SimSlowDcs {

    private final SplittableRandom random;
    private final long retryTimeoutNanos;
    private final int planned;
    /** The slow node's name, chosen when the window opens. */
    private String node;
    final long startNanos;
    final long endNanos;

    private SimSlowDcs(long seed, SimProfile p, int nodes, long origin, boolean enabled) {
        random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        retryTimeoutNanos = p.retryTimeout() * 1_000_000_000L;
        boolean window = random.nextBoolean() && enabled;
        planned = random.nextInt(nodes);
        startNanos = window ? origin + (40_000L + random.nextInt(230_000)) * 1_000_000L : origin;
        endNanos = window ? startNanos + (20_000L + random.nextInt(40_000)) * 1_000_000L : origin;
    }

    static SimSlowDcs plan(long seed, SimProfile p, int nodes, long origin) {
        return new SimSlowDcs(seed, p, nodes, origin, true);
    }

    /** No window (a world without faults). */
    static SimSlowDcs none(long seed, SimProfile p, int nodes, long origin) {
        return new SimSlowDcs(seed, p, nodes, origin, false);
    }

    boolean planned() {
        return endNanos != startNanos;
    }

    /** The slow node: the leader when the window opened, or the planned node. */
    private String slowNode(SimWorld world) {
        if (node == null) {
            var l = world.peek().leader();
            node = l != null ? l.name() : world.nodes().get(planned).name;
            world.trace("slow DCS for " + node + " until t=" + (endNanos - startNanos) / 1_000_000_000L + "s later");
        }
        return node;
    }

    /** {@code inner}, slow while the window is open if {@code n} is the slow node. */
    Dcs wrap(SimWorld world, SimNode n, Dcs inner) {
        if (!planned()) {
            return inner;
        }
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class}, (p, m, args) -> {
            long now = world.clock().nanoTime();
            boolean open = now - startNanos >= 0 && now - endNanos < 0;
            String name = m.getName();
            if (!open || name.equals("applyTiming") || name.equals("close") || !slowNode(world).equals(n.name)) {
                return invoke(inner, m, args);
            }
            long stallFrom = Math.max(now, n.loopStalledUntilWorld);
            if (random.nextInt(5) == 0) {
                n.loopStalledUntilWorld = stallFrom + retryTimeoutNanos;
                String why = "sim: slow DCS, no answer within retry_timeout";
                if (name.equals("loadCluster")) {
                    throw new DcsUnavailableException(why);
                }
                if (name.equals("watchLeader")) {
                    return false;
                }
                if (m.getReturnType() == DcsOutcome.class) {
                    return DcsOutcome.unavailable(why);
                }
            }
            Object out = invoke(inner, m, args);
            n.loopStalledUntilWorld = stallFrom + (long) (random.nextDouble() * 0.5 * retryTimeoutNanos);
            return out;
        });
    }

    private static Object invoke(Dcs inner, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
