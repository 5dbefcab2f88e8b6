package org.genovfl.party;

import ch.qos.logback.classic.Logger;
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
final class CapturedLogs extends AppenderBase<ILoggingEvent> {

    private final List<String> lines = new ArrayList<>();

    private CapturedLogs() {
    }

    /** Starts capturing at the root logger, whatever level the loggers log at. */
    static CapturedLogs capture() {
        CapturedLogs logs = new CapturedLogs();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.setContext(root.getLoggerContext());
        logs.setName("captured-for-personal-data-scan");
        logs.start();
        root.addAppender(logs);
        return logs;
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
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        stop();
    }
}
