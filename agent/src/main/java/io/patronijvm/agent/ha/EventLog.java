package io.patronijvm.agent.ha;

import io.patronijvm.core.status.HaEvent;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The node's recent HA events in memory, bounded: the oldest is dropped when a new one would
 * exceed the capacity, so a flapping node never grows the heap. Written by the HA thread, the
 * async slot and the lease timer; read by REST threads.
 */
public final class EventLog {

    /** Enough for hours of a healthy cluster and the whole story of an incident. */
    public static final int DEFAULT_CAPACITY = 200;

    private final int capacity;
    private final ArrayDeque<HaEvent> events;

    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event log capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    public EventLog() {
        this(DEFAULT_CAPACITY);
    }

    public synchronized void add(HaEvent e) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(e);
    }

    /** Oldest first. */
    public synchronized List<HaEvent> recent() {
        return List.copyOf(events);
    }
}
