package io.patronijvm.agent.watchdog;

/** No watchdog: every call succeeds and nothing is armed (Patroni's {@code NullWatchdog}). */
final class NullWatchdogDevice implements WatchdogDevice {

    /** "Big enough not to matter", as Patroni reports for the null device. */
    private static final int TIMEOUT = 1_000_000_000;

    @Override
    public boolean isNull() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return false;
    }

    @Override
    public boolean isHealthy() {
        return false;
    }

    @Override
    public void open() {
    }

    @Override
    public void close() {
    }

    @Override
    public void keepalive() {
    }

    @Override
    public boolean canBeDisabled() {
        return true;
    }

    @Override
    public boolean hasSetTimeout() {
        return false;
    }

    @Override
    public void setTimeout(int seconds) throws WatchdogException {
        throw new WatchdogException("setting a timeout is not supported without a watchdog device");
    }

    @Override
    public int getTimeout() {
        return TIMEOUT;
    }

    @Override
    public String describe() {
        return "no watchdog";
    }
}
