package io.patronijvm.agent.watchdog;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux watchdog device ({@code /dev/watchdog}, Patroni's {@code LinuxWatchdogDevice}): open
 * write-only, keepalive by writing {@code 1}, disarm by writing the magic {@code V} before close,
 * and the timeout through the {@code WDIOC_SETTIMEOUT}/{@code WDIOC_GETTIMEOUT} ioctls.
 */
class LinuxWatchdogDevice implements WatchdogDevice {

    static final int WDIOF_SETTIMEOUT = 0x0080;
    static final int WDIOF_MAGICCLOSE = 0x0100;

    /** What {@code WDIOC_GETSUPPORT} reports. */
    record Support(int options, int firmware, String identity) {
        boolean has(int flag) {
            return (options & flag) != 0;
        }
    }

    private final String device;
    private final Ioctls ioctls = Ioctls.forThisMachine();
    private int fd = -1;
    private Support support;

    LinuxWatchdogDevice(String device) {
        this.device = device;
    }

    final String device() {
        return device;
    }

    @Override
    public boolean isRunning() {
        return fd >= 0;
    }

    @Override
    public boolean isHealthy() {
        Path p = Path.of(device);
        return Files.exists(p) && Files.isWritable(p);
    }

    @Override
    public void open() throws WatchdogException {
        // Most hosts have no watchdog device and mode automatic (the default) tries anyway:
        // answering that case without JNA keeps its classes and native library out of the agent.
        if (!Files.exists(Path.of(device))) {
            throw new WatchdogException("cannot open watchdog device " + device + ": errno 2 (no such file)");
        }
        try {
            fd = libc().open(device, LibC.O_WRONLY);
        } catch (LastErrorException e) {
            throw new WatchdogException("cannot open watchdog device " + device + ": errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public void close() throws WatchdogException {
        if (fd < 0) {
            return;
        }
        try {
            write("V");
            libc().close(fd);
            fd = -1;
        } catch (LastErrorException e) {
            throw new WatchdogException("error while closing " + describe() + ": errno " + e.getErrorCode(), e);
        }
    }

    @Override
    public void keepalive() throws WatchdogException {
        try {
            write("1");
        } catch (LastErrorException e) {
            throw new WatchdogException("could not send watchdog keepalive to " + device + ": errno "
                    + e.getErrorCode(), e);
        }
    }

    @Override
    public boolean canBeDisabled() throws WatchdogException {
        return support().has(WDIOF_MAGICCLOSE);
    }

    @Override
    public boolean hasSetTimeout() throws WatchdogException {
        return support().has(WDIOF_SETTIMEOUT);
    }

    @Override
    public void setTimeout(int seconds) throws WatchdogException {
        if (seconds <= 0 || seconds >= 0xFFFF) {
            throw new WatchdogException("invalid watchdog timeout " + seconds + ": supported values are 1 to 65534");
        }
        try (Memory arg = new Memory(4)) {
            arg.setInt(0, seconds);
            ioctl(ioctls.setTimeout, arg, "set the timeout");
        }
    }

    @Override
    public int getTimeout() throws WatchdogException {
        try (Memory arg = new Memory(4)) {
            arg.setInt(0, 0);
            ioctl(ioctls.getTimeout, arg, "read the timeout");
            return arg.getInt(0);
        }
    }

    /** {@code WDIOC_GETSUPPORT}, once per device. */
    Support support() throws WatchdogException {
        if (support == null) {
            try (Memory info = new Memory(Ioctls.WATCHDOG_INFO_SIZE)) {
                info.clear();
                ioctl(ioctls.getSupport, info, "get information about the device");
                byte[] id = info.getByteArray(8, 32);
                int len = 0;
                while (len < id.length && id[len] != 0) {
                    len++;
                }
                support = new Support(info.getInt(0), info.getInt(4), new String(id, 0, len, StandardCharsets.UTF_8));
            }
        }
        return support;
    }

    @Override
    public String describe() {
        String at = device.equals("/dev/watchdog") ? "" : " at " + device;
        if (fd < 0) {
            return "Linux watchdog device" + at;
        }
        try {
            Support s = support();
            return s.identity() + (s.firmware() != 0 ? " (firmware " + s.firmware() + ")" : "") + at;
        } catch (WatchdogException e) {
            return "Linux watchdog device" + at;
        }
    }

    /** Writes all of {@code text}; the test driver needs a loop, a device takes one byte at a time. */
    final void write(String text) throws LastErrorException, WatchdogException {
        if (fd < 0) {
            throw new WatchdogException("watchdog device " + device + " is closed");
        }
        byte[] buf = text.getBytes(StandardCharsets.UTF_8);
        int off = 0;
        while (off < buf.length) {
            byte[] rest = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, buf.length);
            long n = libc().write(fd, rest, new NativeLong(rest.length)).longValue();
            off += (int) n;
        }
    }

    private void ioctl(long request, Memory arg, String what) throws WatchdogException {
        if (fd < 0) {
            throw new WatchdogException("watchdog device " + device + " is closed");
        }
        try {
            libc().ioctl(fd, new NativeLong(request), arg);
        } catch (LastErrorException e) {
            throw new WatchdogException("could not " + what + " of watchdog device " + device + ": errno "
                    + e.getErrorCode(), e);
        }
    }

    private static LibC libc() throws WatchdogException {
        try {
            return LibC.Holder.INSTANCE;
        } catch (LinkageError e) {
            throw new WatchdogException("cannot load libc through JNA: " + e.getMessage(), e);
        }
    }
}
