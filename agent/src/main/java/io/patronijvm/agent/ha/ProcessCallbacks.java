package io.patronijvm.agent.ha;

import io.patronijvm.core.config.CallbacksConfig;
import io.patronijvm.core.config.ShellWords;
import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.model.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs callback scripts as child processes (R60, R61). Callbacks run one at a time on a named
 * thread; starting a new one kills the running one and its children, as Patroni does, so a
 * slow on_role_change never delays the next one's view of the truth.
 */
public final class ProcessCallbacks implements Callbacks {

    private static final Logger log = LoggerFactory.getLogger(ProcessCallbacks.class);
    /** A callback that runs longer than this is killed: scripts are hooks, not services. */
    private static final Duration CALLBACK_LIMIT = Duration.ofMinutes(5);

    private final CallbacksConfig config;
    private final String scope;
    private final ExecutorService executor;
    private Process running;

    public ProcessCallbacks(CallbacksConfig config, String scope, String threadName) {
        this.config = config;
        this.scope = scope;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void fire(CallbackEvent event, Role role) {
        String cmd = switch (event) {
            case ON_START -> config.onStart();
            case ON_STOP -> config.onStop();
            case ON_RESTART -> config.onRestart();
            case ON_RELOAD -> config.onReload();
            case ON_ROLE_CHANGE -> config.onRoleChange();
        };
        if (cmd == null || cmd.isBlank()) {
            return;
        }
        List<String> argv;
        try {
            argv = new ArrayList<>(ShellWords.split(cmd));
        } catch (IllegalArgumentException e) {
            log.error("callback {} not run: {}", event.wire(), e.getMessage());
            return;
        }
        argv.add(event.wire());
        argv.add(role.wire()); // Patroni 3.x names the primary "master" (decision 1)
        argv.add(scope);
        killRunning();
        executor.execute(() -> runOne(argv));
    }

    private void runOne(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            log.warn("callback {} could not start: {}", argv, e.getMessage());
            return;
        }
        synchronized (this) {
            running = p;
        }
        try {
            if (!p.waitFor(CALLBACK_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("callback {} ran longer than {}; killing it", argv, CALLBACK_LIMIT);
                kill(p);
            } else if (p.exitValue() != 0) {
                log.warn("callback {} exited with {}", argv, p.exitValue());
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                if (running == p) {
                    running = null;
                }
            }
        }
    }

    private synchronized void killRunning() {
        if (running != null) {
            kill(running);
            running = null;
        }
    }

    /**
     * The script first, then what it started: killing a child first lets the script run its next
     * line in between (a shell's {@code sleep} killed, its following {@code echo} runs). The
     * children are listed before the script dies, as afterwards they are no longer its descendants.
     */
    private static void kill(Process p) {
        java.util.List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public boolean prePromote(Duration timeout) throws InterruptedException {
        String cmd = config.prePromote();
        if (cmd == null || cmd.isBlank()) {
            return true;
        }
        Process p;
        try {
            p = new ProcessBuilder(ShellWords.split(cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException | IllegalArgumentException e) {
            log.error("pre_promote {} could not start: {}", cmd, e.getMessage());
            return false;
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("pre_promote {} did not finish within {}; not promoting", cmd, timeout);
                kill(p);
                return false;
            }
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        if (p.exitValue() != 0) {
            log.error("pre_promote {} exited with {}; not promoting (R61)", cmd, p.exitValue());
        }
        return p.exitValue() == 0;
    }

    @Override
    public void close() {
        killRunning();
        executor.shutdownNow();
    }
}
