package io.patronijvm.agent.watchdog;

import com.sun.jna.LastErrorException;

/**
 * Patroni's {@code testing} driver: a Linux device whose timeout ioctls become plain writes
 * ({@code Ctimeout=N\n}), so a named pipe can stand in for the device. It claims the magic close
 * and a settable timeout, and remembers the timeout it wrote (60 s before the first one).
 */
final class TestingWatchdogDevice extends LinuxWatchdogDevice {

    private int timeout = 60;

    TestingWatchdogDevice(String device) {
        super(device);
    }

    @Override
    Support support() {
        return new Support(WDIOF_MAGICCLOSE | WDIOF_SETTIMEOUT, 0, "Watchdog test harness");
    }

    @Override
    public void setTimeout(int seconds) throws WatchdogException {
        try {
            write("Ctimeout=" + seconds + "\n");
        } catch (LastErrorException e) {
            throw new WatchdogException("could not write the timeout to " + device() + ": errno " + e.getErrorCode(), e);
        }
        timeout = seconds;
    }

    @Override
    public int getTimeout() {
        return timeout;
    }
}
