package io.patronijvm.agent.ha;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A coalescing wake-up flag (style guideline 12): many signals before a wait count as one. */
final class Wakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean pending;

    void signal() {
        lock.lock();
        try {
            pending = true;
            changed.signalAll();
        } finally {
            lock.unlock();
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
}
