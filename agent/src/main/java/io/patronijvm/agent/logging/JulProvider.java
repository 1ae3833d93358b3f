package io.patronijvm.agent.logging;

import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.jul.JULServiceProvider;
import org.slf4j.spi.MDCAdapter;

import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * slf4j-jdk14's provider with an MDC that, like logback's, belongs to one thread only.
 * slf4j-jdk14's own hands a copy to every thread started while it is set, so the output readers and
 * pools the HA thread starts in cycle 1 would print {@code [node1#1]} for as long as they live.
 * Chosen with {@code -Dslf4j.provider} ({@link ConsoleLogConfigurator#install} sets it), which also
 * spares SLF4J the class path scan.
 */
public final class JulProvider extends JULServiceProvider {

    private final MDCAdapter mdc = new ThreadMdc();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    /** The context of the current thread; its map never leaves the thread (copies do). */
    static final class ThreadMdc implements MDCAdapter {
        private final ThreadLocal<Map<String, String>> values = new ThreadLocal<>();
        private final ThreadLocalMapOfStacks stacks = new ThreadLocalMapOfStacks();

        @Override
        public void put(String key, String value) {
            Objects.requireNonNull(key, "key");
            Map<String, String> m = values.get();
            if (m == null) {
                m = new HashMap<>();
                values.set(m);
            }
            m.put(key, value);
        }

        @Override
        public String get(String key) {
            Map<String, String> m = values.get();
            return m == null || key == null ? null : m.get(key);
        }

        @Override
        public void remove(String key) {
            Map<String, String> m = values.get();
            if (m != null) {
                m.remove(key);
            }
        }

        @Override
        public void clear() {
            values.remove();
        }

        @Override
        public Map<String, String> getCopyOfContextMap() {
            Map<String, String> m = values.get();
            return m == null ? null : new HashMap<>(m);
        }

        @Override
        public void setContextMap(Map<String, String> contextMap) {
            values.set(contextMap == null ? null : new HashMap<>(contextMap));
        }

        @Override
        public void pushByKey(String key, String value) {
            stacks.pushByKey(key, value);
        }

        @Override
        public String popByKey(String key) {
            return stacks.popByKey(key);
        }

        @Override
        public Deque<String> getCopyOfDequeByKey(String key) {
            return stacks.getCopyOfDequeByKey(key);
        }

        @Override
        public void clearDequeByKey(String key) {
            stacks.clearDequeByKey(key);
        }
    }
}
