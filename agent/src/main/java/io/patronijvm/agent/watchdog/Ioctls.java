package io.patronijvm.agent.watchdog;

import java.util.Locale;

/**
 * The request numbers of {@code linux/watchdog.h}, encoded as {@code linux/ioctl.h} does for the
 * running architecture (powerpc, mips and sparc use 3 direction bits and other direction values).
 */
final class Ioctls {

    private static final int NR_BITS = 8;
    private static final int TYPE_BITS = 8;
    private static final char BASE = 'W';
    /** {@code struct watchdog_info}: options, firmware_version (u32 each), identity[32]. */
    static final int WATCHDOG_INFO_SIZE = 40;
    private static final int INT_SIZE = 4;

    final long getSupport;
    final long setTimeout;
    final long getTimeout;

    Ioctls(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        boolean threeDirBits = a.startsWith("ppc") || a.startsWith("powerpc") || a.startsWith("mips")
                || a.startsWith("sparc");
        int sizeBits = threeDirBits ? 13 : 14;
        long write = threeDirBits ? 4 : 1;
        long read = 2;
        if (a.startsWith("parisc")) {
            write = 2;
            read = 1;
        }
        getSupport = encode(read, 0, WATCHDOG_INFO_SIZE, sizeBits);
        setTimeout = encode(read | write, 6, INT_SIZE, sizeBits);
        getTimeout = encode(read, 7, INT_SIZE, sizeBits);
    }

    static Ioctls forThisMachine() {
        return new Ioctls(System.getProperty("os.arch", ""));
    }

    private static long encode(long dir, int nr, int size, int sizeBits) {
        int typeShift = NR_BITS;
        int sizeShift = typeShift + TYPE_BITS;
        int dirShift = sizeShift + sizeBits;
        return (dir << dirShift) | ((long) BASE << typeShift) | nr | ((long) size << sizeShift);
    }
}
