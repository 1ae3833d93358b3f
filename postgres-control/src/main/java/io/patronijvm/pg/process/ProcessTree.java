package io.patronijvm.pg.process;

/** Kills a process together with everything it started (pg_basebackup's WAL streamer, backends ...). */
public final class ProcessTree {

    private ProcessTree() {
    }

    /** SIGKILL to the descendants first, so none is re-parented and left behind, then to the root. */
    public static void kill(ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
    }
}
