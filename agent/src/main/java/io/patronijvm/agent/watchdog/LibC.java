package io.patronijvm.agent.watchdog;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The four libc calls a Linux watchdog needs. Java 21 can open and write a device file, but not
 * make the {@code WDIOC_*} ioctls that set and read its timeout; JNA (Maven Central, no code of
 * ours in C) makes them, and the file descriptor has to be libc's for that, so open, write and
 * close go through libc as well. Each call returns at once on a character device.
 */
interface LibC extends Library {

    /** {@code O_WRONLY}: the same value on every Linux architecture. */
    int O_WRONLY = 1;

    int open(String path, int flags) throws LastErrorException;

    NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Loaded on first use, so a node without a watchdog never loads native code. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
