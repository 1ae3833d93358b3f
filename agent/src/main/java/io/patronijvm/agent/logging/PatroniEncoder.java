package io.patronijvm.agent.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * The console encoder ({@link ConsoleLogConfigurator}): logback's own pattern line until the configuration asks for
 * Patroni's {@code log.type}/{@code log.format} ({@link LogOutput}), then that line. Switching is
 * one volatile write, so a reload changes the format between two lines, never inside one.
 */
public final class PatroniEncoder extends EncoderBase<ILoggingEvent> {

    private final PatternLayout nativeLayout = new PatternLayout();
    private final long startMillis = System.currentTimeMillis();
    private volatile LogLines lines;
    private volatile LogFormat format = LogFormat.NATIVE;

    /** The pattern for {@link LogFormat#NATIVE}. */
    public void setPattern(String pattern) {
        nativeLayout.setPattern(pattern);
    }

    public String getPattern() {
        return nativeLayout.getPattern();
    }

    @Override
    public void start() {
        nativeLayout.setContext(getContext());
        nativeLayout.start();
        super.start();
    }

    @Override
    public void stop() {
        nativeLayout.stop();
        super.stop();
    }

    void use(LogFormat next) {
        lines = next.equals(LogFormat.NATIVE) ? null
                : new LogLines(next, ProcessHandle.current().pid(), startMillis, ZoneId.systemDefault());
        format = next;
    }

    LogFormat format() {
        return format;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        LogLines l = lines;
        String text = l == null ? nativeLayout.doLayout(event) : l.render(event);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
