package org.genovfl.audit;

import java.util.List;
import java.util.UUID;

/**
 * Where study steps are recorded for good. Two implementations: a Hyperledger Fabric
 * channel (production) and an embedded hash-chained ledger in the party's PostgreSQL
 * (demo default). Parties do not call {@link #append} in the middle of a step: they write
 * to the transactional outbox, whose relay appends.
 */
public interface AuditLedger {

    /**
     * Records {@code event}. Appending an event whose id is already recorded is a no-op.
     *
     * @throws AuditException if the ledger refuses the event or cannot be reached
     */
    default void append(AuditEvent event) {
        appendAll(List.of(event));
    }

    /**
     * Records {@code events} in order, as the outbox relay delivers a batch; events already
     * recorded are skipped. An empty list does nothing.
     *
     * @throws AuditException naming (by {@link AuditException#eventId()}) the first event not
     *     recorded; every event before it is recorded
     */
    void appendAll(List<AuditEvent> events);

    /**
     * Most events one {@link #appendAll} call may carry; the relay never sends more.
     */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    /**
     * How many {@link #appendAll} calls, each holding the events of one stream (project,
     * organisation), this ledger takes at the same time. Streams are independent on a ledger
     * whose rules only order events within a stream; 1 means one call at a time.
     */
    default int concurrentStreams() {
        return 1;
    }

    /** Every event of {@code projectId}, in the order recorded. */
    List<AuditEvent> byProject(UUID projectId);

    /** Every event naming {@code sha256} among its artifact hashes. */
    List<AuditEvent> byArtifactHash(String sha256);
}
