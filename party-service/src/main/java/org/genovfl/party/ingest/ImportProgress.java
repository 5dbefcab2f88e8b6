package org.genovfl.party.ingest;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Imports under way in this service, for {@code GET /api/ingest/imports}: a long VCF import
 * runs in one transaction, so its rows are invisible until it commits; this is where its
 * progress shows. Counts only.
 */
@Component
public class ImportProgress {

    /** One running import. */
    public record Running(UUID datasetId, String name, String format, int samples, long variantsSoFar, Instant startedAt) {
    }

    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    public void started(UUID dataset, String name, String format, int samples) {
        running.put(dataset, new Running(dataset, name, format, samples, 0, Instant.now()));
    }

    public void advanced(UUID dataset, long variantsSoFar) {
        running.computeIfPresent(dataset, (id, r) -> new Running(id, r.name(), r.format(), r.samples(), variantsSoFar, r.startedAt()));
    }

    public void finished(UUID dataset) {
        running.remove(dataset);
    }

    public List<Running> running() {
        return running.values().stream().sorted(Comparator.comparing(Running::startedAt)).toList();
    }
}
