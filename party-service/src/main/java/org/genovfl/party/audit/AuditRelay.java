package org.genovfl.party.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditException;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.AuditRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Delivers the outbox's pending events to the {@link AuditLedger}, oldest first, in batches:
 * one batch per stream (project, organisation), and on a ledger that takes several streams at
 * once ({@link AuditLedger#concurrentStreams()}, Fabric) the batches of up to
 * {@code streams-in-flight} streams side by side, each stream still in order.
 *
 * <p>Exactly once: an event is marked {@code delivered_at} only after the ledger accepted
 * it, and the ledger records an event id once, so a crash between the two (which sends the
 * event again) still leaves one record. While the ledger is unreachable the relay backs off
 * exponentially; steps keep committing their events to the outbox, and the backlog goes
 * out, in order, when the ledger returns. Order matters: the ledger refuses sequence gaps,
 * so a failed event holds back everything after it. An event the ledger refuses for good
 * ({@link AuditRefusedException}, e.g. a schema the ledger no longer accepts) holds back only
 * its own stream (project, organisation), retried after the longest backoff, and is named
 * in the outbox's {@code last_error}; other projects' events keep flowing.
 */
public final class AuditRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditRelay.class);

    /** What one pass of the relay did. */
    public record Pass(int delivered, boolean failed) {
    }

    /** The outbox's state, for operators and the API. */
    public record Backlog(long pending, long delivered, Long oldestPendingAgeSeconds, String lastError) {
    }

    private final JdbcClient jdbc;
    private final AuditLedger ledger;
    private final AuditProperties.Relay settings;
    private final Map<String, Long> heldStreams = new HashMap<>();
    private int consecutiveFailures;
    private long nextAttemptNanos = System.nanoTime();
    private ExecutorService senders;

    public AuditRelay(JdbcClient jdbc, AuditLedger ledger, AuditProperties.Relay settings) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.settings = settings;
    }

    /** Delivers pending events until the outbox is empty, a delivery fails, or the relay is backing off. */
    public synchronized Pass relayPending() {
        if (System.nanoTime() - nextAttemptNanos < 0) {
            return new Pass(0, false);
        }
        int delivered = 0;
        long now = System.nanoTime();
        heldStreams.values().removeIf(until -> now - until >= 0);
        while (true) {
            List<List<Pending>> batches = nextBatches();
            if (batches.isEmpty()) {
                return new Pass(delivered, false);
            }
            AuditException failure = null;
            for (Delivery delivery : deliver(batches)) {
                List<Pending> batch = delivery.batch();
                if (delivery.failure() == null) {
                    markDelivered(batch.stream().map(Pending::eventId).toList());
                    delivered += batch.size();
                    continue;
                }
                delivered += deliveredBefore(batch, delivery.failure().eventId());
                if (!(delivery.failure() instanceof AuditRefusedException refused && hold(batch, refused))) {
                    failure = delivery.failure();
                }
            }
            if (failure != null) {
                failed(failure);
                return new Pass(delivered, true);
            }
            recovered(delivered);
        }
    }

    /**
     * The oldest pending events of streams not held back, as one batch per stream (in outbox
     * order within it), for as many streams as the ledger takes at once.
     */
    private List<List<Pending>> nextBatches() {
        int perBatch = Math.min(settings.batchSize(), ledger.maxBatch());
        int streams = Math.max(1, Math.min(settings.streamsInFlight(), ledger.concurrentStreams()));
        // The streams with the oldest pending events first, then each one's oldest events:
        // a backlog written one project after another still goes out several streams at once.
        List<Pending> pending = jdbc.sql("""
                WITH streams AS (
                    SELECT project_id, acting_organisation, min(id) AS oldest
                      FROM audit_outbox
                     WHERE delivered_at IS NULL
                       AND NOT (project_id::text || '/' || acting_organisation = ANY(:held))
                     GROUP BY project_id, acting_organisation
                     ORDER BY oldest LIMIT :streams)
                SELECT e.id, e.event_id, s.project_id::text || '/' || s.acting_organisation AS stream, e.payload
                  FROM streams s
                  CROSS JOIN LATERAL (
                      SELECT o.id, o.event_id, o.payload::text AS payload
                        FROM audit_outbox o
                       WHERE o.delivered_at IS NULL AND o.project_id = s.project_id
                         AND o.acting_organisation = s.acting_organisation
                       ORDER BY o.id LIMIT :perBatch) e
                 ORDER BY e.id""")
                .param("held", heldStreams.keySet().toArray(String[]::new))
                .param("streams", streams)
                .param("perBatch", perBatch)
                .query((row, n) -> new Pending(row.getObject("event_id", UUID.class), row.getString("stream"),
                        row.getString("payload")))
                .list();
        Map<String, List<Pending>> byStream = new LinkedHashMap<>();
        for (Pending event : pending) {
            byStream.computeIfAbsent(event.stream(), stream -> new ArrayList<>()).add(event);
        }
        return new ArrayList<>(byStream.values());
    }

    /** Sends each batch to the ledger, side by side when there are several; keeps each one's outcome. */
    private List<Delivery> deliver(List<List<Pending>> batches) {
        if (batches.size() == 1) {
            return List.of(deliverOne(batches.get(0)));
        }
        List<Future<Delivery>> running = new ArrayList<>();
        for (List<Pending> batch : batches) {
            running.add(senders().submit(() -> deliverOne(batch)));
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                deliveries.add(running.get(i).get());
            } catch (ExecutionException e) {
                deliveries.add(new Delivery(batches.get(i), new AuditException("audit delivery failed: "
                        + e.getCause(), null, e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                deliveries.add(new Delivery(batches.get(i), new AuditException("audit delivery interrupted", null, e)));
            }
        }
        return deliveries;
    }

    private Delivery deliverOne(List<Pending> batch) {
        try {
            ledger.appendAll(batch.stream().map(p -> AuditEventJson.fromJson(p.payload())).toList());
            return new Delivery(batch, null);
        } catch (AuditException e) {
            return new Delivery(batch, e);
        }
    }

    private synchronized ExecutorService senders() {
        if (senders == null) {
            AtomicInteger threads = new AtomicInteger();
            senders = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "audit-relay-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return senders;
    }

    /** Stops the threads that send batches side by side. */
    @Override
    public void close() {
        ExecutorService running = senders;
        if (running != null) {
            running.shutdownNow();
        }
    }

    /** A project this party recorded events for, and how many of them reached the ledger. */
    public record ProjectActivity(UUID projectId, long events, long delivered, java.time.Instant lastEventAt) {
    }

    /** The projects this party recorded events for, most recent first. */
    public List<ProjectActivity> projects() {
        return jdbc.sql("""
                SELECT project_id, count(*) AS events, count(delivered_at) AS delivered, max(created_at) AS last_event_at
                  FROM audit_outbox GROUP BY project_id ORDER BY max(created_at) DESC""")
                .query((row, n) -> new ProjectActivity(row.getObject("project_id", UUID.class), row.getLong("events"),
                        row.getLong("delivered"), row.getTimestamp("last_event_at").toInstant()))
                .list();
    }

    public Backlog backlog() {
        return jdbc.sql("""
                SELECT count(*) FILTER (WHERE delivered_at IS NULL) AS pending,
                       count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                       extract(epoch FROM now() - min(created_at) FILTER (WHERE delivered_at IS NULL))::bigint AS age,
                       (SELECT last_error FROM audit_outbox WHERE delivered_at IS NULL AND last_error IS NOT NULL
                         ORDER BY id LIMIT 1) AS last_error
                  FROM audit_outbox""")
                .query((row, n) -> new Backlog(row.getLong("pending"), row.getLong("delivered"),
                        (Long) row.getObject("age", Long.class), row.getString("last_error")))
                .single();
    }

    /** Marks the events before the one the ledger did not record as delivered; returns how many. */
    private int deliveredBefore(List<Pending> batch, UUID firstNotRecorded) {
        List<UUID> before = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.eventId().equals(firstNotRecorded)) {
                break;
            }
            before.add(pending.eventId());
        }
        if (before.size() == batch.size()) {
            // The ledger did not say which event failed: assume none of the batch was recorded.
            before.clear();
        }
        markDelivered(before);
        return before.size();
    }

    private void markDelivered(List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE audit_outbox SET delivered_at = now(), last_error = NULL WHERE event_id IN (:ids)")
                .param("ids", eventIds)
                .update();
    }

    /** Holds back the refused event's stream; false if the refusal names no event of the batch. */
    private boolean hold(List<Pending> batch, AuditRefusedException e) {
        for (Pending pending : batch) {
            if (pending.eventId().equals(e.eventId())) {
                heldStreams.put(pending.stream(), System.nanoTime() + settings.maxBackoff().toNanos());
                jdbc.sql("UPDATE audit_outbox SET attempts = attempts + 1, last_error = :error WHERE event_id = :id")
                        .param("error", truncated(e.getMessage()))
                        .param("id", e.eventId())
                        .update();
                log.error("Audit ledger refused event {} ({}); its project's events from this party wait: {}",
                        e.eventId(), e.refusal(), e.getMessage());
                return true;
            }
        }
        return false;
    }

    private static String truncated(String error) {
        return error.length() > 500 ? error.substring(0, 500) : error;
    }

    private void failed(AuditException e) {
        consecutiveFailures++;
        Duration backoff = backoff(consecutiveFailures);
        nextAttemptNanos = System.nanoTime() + backoff.toNanos();
        String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        jdbc.sql("""
                UPDATE audit_outbox SET attempts = attempts + 1, last_error = :error
                 WHERE id = (SELECT id FROM audit_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT 1)""")
                .param("error", truncated(error))
                .update();
        log.warn("Audit ledger delivery failed ({} in a row), next attempt in {} ms: {}", consecutiveFailures,
                backoff.toMillis(), error);
    }

    private void recovered(int delivered) {
        if (consecutiveFailures > 0) {
            log.info("Audit ledger reachable again after {} failed attempts; {} events delivered",
                    consecutiveFailures, delivered);
        }
        consecutiveFailures = 0;
    }

    Duration backoff(int failures) {
        Duration backoff = settings.initialBackoff().multipliedBy(1L << Math.min(failures - 1, 20));
        return backoff.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff;
    }

    private record Pending(UUID eventId, String stream, String payload) {
    }

    /** One batch sent to the ledger, and why it was not (all) recorded, or null. */
    private record Delivery(List<Pending> batch, AuditException failure) {
    }
}
