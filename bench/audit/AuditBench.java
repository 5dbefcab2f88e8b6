/*
 * Benchmark of GenoVFL's audit path (not a test): steps record events in the transactional
 * outbox, the relay delivers them in batches to the ledger. Measures the commit latency of
 * one event (step commit -> recorded on the ledger) and sustained throughput.
 * Run through bench/audit/run.sh, which compiles this file against the party-service jar.
 *
 *   AuditBench <work-dir> <results-dir> embedded
 *   AuditBench <work-dir> <results-dir> fabric <connection-file>
 */
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.embedded.EmbeddedAuditLedger;
import org.genovfl.audit.embedded.LedgerSigner;
import org.genovfl.audit.fabric.FabricAuditLedger;
import org.genovfl.audit.fabric.FabricConnection;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.audit.AuditProperties;
import org.genovfl.party.audit.AuditRelay;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.pki.DemoCertificateAuthority;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

public class AuditBench {

    static final String HOSPITAL = "St Ada University Hospital";
    static final int LATENCY_EVENTS = 200;
    static final int THROUGHPUT_PRODUCERS = 4;
    static final int THROUGHPUT_EVENTS_PER_PRODUCER = 750;
    static final int BACKLOG_EVENTS = 10_000;

    /** The real ledger, timing when each event id was recorded. */
    record TimedLedger(AuditLedger ledger, Map<UUID, Long> recordedAt) implements AuditLedger {
        @Override
        public void appendAll(List<AuditEvent> events) {
            ledger.appendAll(events);
            long now = System.nanoTime();
            events.forEach(e -> recordedAt.putIfAbsent(e.eventId(), now));
        }

        @Override
        public int maxBatch() {
            return ledger.maxBatch();
        }

        @Override
        public int concurrentStreams() {
            return ledger.concurrentStreams();
        }

        @Override
        public List<AuditEvent> byProject(UUID projectId) {
            return ledger.byProject(projectId);
        }

        @Override
        public List<AuditEvent> byArtifactHash(String sha256) {
            return ledger.byArtifactHash(sha256);
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path results = Path.of(args[1]);
        String mode = args[2];
        try (PartyDatabase database = PartyDatabase.embedded(work.resolve("pg"), 0)) {
            database.migrate();
            JdbcClient jdbc = JdbcClient.create(database.dataSource());
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
            PartyProperties party = new PartyProperties(PartyRole.HOSPITAL, HOSPITAL, work, new PartyProperties.Database(0),
                    List.of(), List.of(), new PartyProperties.Client(Duration.ofSeconds(5), Duration.ofSeconds(60), 3,
                            Duration.ofMillis(200)));
            AuditOutbox outbox = new AuditOutbox(jdbc, party);
            AuditLedger real;
            if (mode.equals("fabric")) {
                real = FabricAuditLedger.connect(FabricConnection.fromProperties(Path.of(args[3])));
            } else {
                DemoCertificateAuthority.IssuedIdentity identity = DemoCertificateAuthority.create("Bench CA").issue(HOSPITAL);
                real = EmbeddedAuditLedger.create(database.dataSource(),
                        new LedgerSigner(identity.keyPair().getPrivate(), identity.certificate()));
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("ledger", mode);
            report.put("date", Instant.now().toString());
            report.put("cores", Runtime.getRuntime().availableProcessors());
            AuditProperties.Relay defaults = new AuditProperties.Relay(Duration.ofMillis(200), 200,
                    Duration.ofMillis(500), Duration.ofSeconds(30), 4);
            report.put("relayIntervalMs", defaults.interval().toMillis());
            report.put("relayBatchSize", defaults.batchSize());

            // Warm-up: JIT, connection pool, first blocks.
            run(jdbc, transactions, outbox, real, defaults, 1, 200, 0);
            Map<String, Object> latency = run(jdbc, transactions, outbox, real, defaults, 1, LATENCY_EVENTS, 40);
            Map<String, Object> throughput = run(jdbc, transactions, outbox, real, defaults, THROUGHPUT_PRODUCERS,
                    THROUGHPUT_EVENTS_PER_PRODUCER, 0);
            report.put("latencyOneEventAtATime", latency);
            report.put("throughputBurst", throughput);
            // The same backlog (four projects) one batch at a time, then with the default four
            // streams in flight (the embedded ledger takes one at a time either way).
            AuditProperties.Relay oneStream = new AuditProperties.Relay(defaults.interval(), defaults.batchSize(),
                    defaults.initialBackoff(), defaults.maxBackoff(), 1);
            report.put("backlogDrainOneStreamAtATime", drain(jdbc, transactions, outbox, real, oneStream, BACKLOG_EVENTS));
            report.put("relayStreamsInFlight", Math.min(defaults.streamsInFlight(), real.concurrentStreams()));
            report.put("backlogDrain", drain(jdbc, transactions, outbox, real, defaults, BACKLOG_EVENTS));
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.createDirectories(results);
            Path file = results.resolve("audit-" + mode + ".json");
            json.writeValue(file.toFile(), report);
            System.out.println(json.writeValueAsString(report));
            if (real instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /**
     * {@code producers} threads each commit {@code eventsEach} steps (one event per step, own
     * project), {@code pauseMs} apart, while the relay runs on its schedule.
     */
    static Map<String, Object> run(JdbcClient jdbc, TransactionTemplate transactions, AuditOutbox outbox, AuditLedger real,
            AuditProperties.Relay settings, int producers, int eventsEach, long pauseMs) throws Exception {
        Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        TimedLedger ledger = new TimedLedger(real, new ConcurrentHashMap<>());
        AuditRelay relay = new AuditRelay(jdbc, ledger, settings);
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
        schedule.scheduleWithFixedDelay(() -> {
            try {
                relay.relayPending();
            } catch (RuntimeException e) {
                System.err.println("relay: " + e.getMessage());
            }
        }, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            UUID project = UUID.randomUUID();
            done.add(pool.submit(() -> {
                for (int i = 0; i < eventsEach; i++) {
                    String hash = String.format("%064x", i + 1);
                    String round = Integer.toString(i);
                    AuditEvent event = transactions.execute(s -> outbox.record(project, AuditEventType.TRAINING_ROUND,
                            Map.of("gradient", hash), Map.of("round", round)));
                    committedAt.put(event.eventId(), System.nanoTime());
                    if (pauseMs > 0) {
                        Thread.sleep(pauseMs);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long producedNanos = System.nanoTime() - start;
        int total = producers * eventsEach;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!ledger.recordedAt().keySet().containsAll(committedAt.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        schedule.shutdownNow();
        pool.shutdownNow();
        List<Double> latencies = new ArrayList<>();
        long lastRecorded = 0;
        for (Map.Entry<UUID, Long> e : committedAt.entrySet()) {
            Long recorded = ledger.recordedAt().get(e.getKey());
            if (recorded == null) {
                throw new IllegalStateException("event not delivered within 5 minutes");
            }
            latencies.add((recorded - e.getValue()) / 1e6);
            lastRecorded = Math.max(lastRecorded, recorded);
        }
        Collections.sort(latencies);
        double seconds = (lastRecorded - start) / 1e9;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("producers", producers);
        row.put("events", total);
        row.put("commitLatencyMsP50", round(percentile(latencies, 0.50)));
        row.put("commitLatencyMsP95", round(percentile(latencies, 0.95)));
        row.put("commitLatencyMsMax", round(latencies.get(latencies.size() - 1)));
        row.put("producedEventsPerSecond", round(total / (producedNanos / 1e9)));
        row.put("deliveredEventsPerSecond", round(total / seconds));
        return row;
    }

    /**
     * The relay's own throughput: {@code events} steps commit while the ledger is unreachable
     * (relay stopped), then the relay delivers the backlog in batches.
     */
    static Map<String, Object> drain(JdbcClient jdbc, TransactionTemplate transactions, AuditOutbox outbox,
            AuditLedger real, AuditProperties.Relay settings, int events) {
        for (int p = 0; p < 4; p++) {
            UUID project = UUID.randomUUID();
            for (int i = 0; i < events / 4; i++) {
                String hash = String.format("%064x", i + 1);
                transactions.execute(s -> outbox.record(project, AuditEventType.TRAINING_ROUND,
                        Map.of("gradient", hash), Map.of("round", "1")));
            }
        }
        AuditRelay relay = new AuditRelay(jdbc, real, settings);
        long start = System.nanoTime();
        int delivered = 0;
        while (delivered < events) {
            delivered += relay.relayPending().delivered();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("events", events);
        row.put("seconds", round(seconds));
        row.put("deliveredEventsPerSecond", round(events / seconds));
        return row;
    }

    static double percentile(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
