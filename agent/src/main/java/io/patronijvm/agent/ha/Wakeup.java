package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.WatchCancel;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A coalescing wake-up flag (style guideline 12): many signals before a wait count as one. As a
 * {@link WatchCancel} a pending or coming signal aborts the loop's blocking watch on the leader
 * key, so the watch may last the whole rest of loop_wait (as Patroni's) without delaying requests.
 */
final class Wakeup implements WatchCancel {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pending;
    private Runnable watchHook;

    void signal() {
        Runnable hook;
        lock.lock();
        try {
            pending = true;
            changed.signalAll();
            hook = watchHook;
            watchHook = null;
        } finally {
            lock.unlock();
        }
        if (hook != null) {
            hook.run(); // outside the lock: it cancels an HTTP call, which may take its own locks
        }
    }

    /** True (and clears the flag) when a wake-up is pending. */
    boolean take() {
        lock.lock();
        try {
            boolean p = pending;
            pending = false;
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code max} for a signal without consuming it. */
    void await(Duration max) throws InterruptedException {
        lock.lock();
        try {
            if (!pending) {
                changed.await(max.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** One watch at a time (the HA thread's); a signal already pending runs the hook at once. */
    @Override
    public Registration onCancel(Runnable hook) {
        lock.lock();
        try {
            if (!pending) {
                watchHook = hook;
                return () -> clearHook(hook);
            }
        } finally {
            lock.unlock();
        }
        hook.run();
        return () -> { };
    }

    private void clearHook(Runnable hook) {
        lock.lock();
        try {
            if (watchHook == hook) {
                watchHook = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
