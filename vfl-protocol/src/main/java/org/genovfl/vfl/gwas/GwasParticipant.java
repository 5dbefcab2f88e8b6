package org.genovfl.vfl.gwas;

import java.util.List;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;

/**
 * One role of the scan as a state machine: the only surface a transport needs. A driver
 * calls {@link #start()} once, then hands every message addressed to {@link #name()} to
 * {@link #receive}, and sends what each call returns. Implementations keep no threads or
 * sockets, so the same object runs in-process ({@link LocalGwasRun}) or behind a party
 * service. Not thread-safe: deliver one message at a time.
 *
 * <p>The coordinator follows the per-round hooks of Flower's Strategy: {@code configureBlock}
 * (a {@link GwasMessages.ScanBlock} to a lab), the labs compute, {@code aggregate} (decrypt
 * and release a block), {@code decide} (next block, or done).
 */
public interface GwasParticipant extends AutoCloseable {

    /** The role's state. */
    enum Phase {
        /** Waiting for the first message it needs. */
        WAITING,
        /** Keys and encrypted null model in place; exchanging blocks. */
        SCANNING,
        /** Its part of the run is complete. */
        DONE
    }

    String name();

    Phase phase();

    /** The messages this role sends unprompted at the start of the run; only the hospital has any. */
    default List<GwasMessage> start() {
        return List.of();
    }

    /**
     * @throws GwasException if the message is not for this run, not expected in this phase, or malformed
     */
    List<GwasMessage> receive(GwasMessage message);

    @Override
    void close();
}
