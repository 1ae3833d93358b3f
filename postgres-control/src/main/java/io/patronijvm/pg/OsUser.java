package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PostgreSQL refuses to run as root; we say so before it does, in words an operator can act on. */
public final class OsUser {

    public static final String ROOT_MESSAGE =
            "PostgreSQL cannot run as root; run the agent as an unprivileged user such as postgres";

    private OsUser() {
    }

    /** The effective uid of this JVM (owner of /proc/self), or -1 when it cannot be read. */
    public static int uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i ? i : -1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    public static boolean isRoot() {
        return uid() == 0;
    }

    public static void refuseRoot() throws PgException {
        if (isRoot()) {
            throw new PgException(ROOT_MESSAGE);
        }
    }
}
