package org.genovfl.party;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line written in this JVM while capturing: the parties of a
 * {@link ThreePartyNetwork} run in the test's JVM, so this is what every party logged, each
 * line with its logger, message and stack trace (whose messages are log output too).
 */
final class CapturedLogs extends AppenderBase<ILoggingEvent> implements LoggerContextListener {

    private final List<String> lines = new ArrayList<>();
    private volatile boolean capturing = true;

    private CapturedLogs() {
    }

    /**
     * Starts capturing at the root logger, whatever level the loggers log at. Call it once
     * the parties have started: a Spring Boot start stops Logback, which removes every
     * appender and listener (a plain reset only detaches the appender, which is re-attached).
     */
    static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.setContext(root.getLoggerContext());
        logs.setName("captured-for-personal-data-scan");
        logs.start();
        root.addAppender(logs);
        // Each party service's start resets Logback (Spring Boot configures it anew), which
        // detaches every appender: attach again after each reset.
        root.getLoggerContext().addListener(logs);
        return logs;
    }

    @Override
    public boolean isResetResistant() {
        return true;
    }

    @Override
    public void onReset(LoggerContext context) {
        if (!capturing) {
            return;
        }
        start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    @Override
    public void onStart(LoggerContext context) {
    }

    @Override
    public void onStop(LoggerContext context) {
    }

    @Override
    public void onLevelChange(Logger logger, ch.qos.logback.classic.Level level) {
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        String thrown = event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage() + thrown);
    }

    /** The lines so far. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Stops capturing. */
    void close() {
        capturing = false;
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.getLoggerContext().removeListener(this);
        root.detachAppender(this);
        stop();
    }
}
