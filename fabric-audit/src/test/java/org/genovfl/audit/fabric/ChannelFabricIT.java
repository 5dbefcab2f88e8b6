package org.genovfl.audit.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditException;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the real channel that {@code ./genovfl fabric up} started; run by
 * {@code ./genovfl test --fabric} (Maven profile {@code fabric}, which passes
 * {@code genovfl.fabric.dir}). Fails, never skips, when the network is absent.
 */
class ChannelFabricIT {

    static final String HOSPITAL = "St Ada University Hospital";
    static final String LAB = "Helix Sequencing Lab";
    /** Identifiers of this run's test patients: none may appear in any ledger payload. */
    static final List<String> PATIENT_IDENTIFIERS = List.of("BB-000123", "NHS-943-476-5919", "Jane Doe");
    static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static Path network;
    static FabricAuditLedger hospital;
    static FabricAuditLedger lab;

    @BeforeAll
    static void connect() {
        String dir = System.getProperty("genovfl.fabric.dir");
        assertThat(dir).as("system property genovfl.fabric.dir (./genovfl test --fabric sets it)").isNotBlank();
        network = Path.of(dir);
        Path connections = network.resolve("connections");
        assertThat(connections.resolve("connection-hospital.properties")).as("run ./genovfl fabric up").exists();
        hospital = FabricAuditLedger.connect(FabricConnection.fromProperties(connections.resolve("connection-hospital.properties")));
        lab = FabricAuditLedger.connect(FabricConnection.fromProperties(connections.resolve("connection-lab.properties")));
    }

    @AfterAll
    static void close() {
        if (hospital != null) {
            hospital.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static AuditEvent event(UUID project, String organisation, long sequence, AuditEventType type, String hash) {
        return new AuditEvent(UUID.randomUUID(), project, sequence, type, organisation,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new TreeMap<>(Map.of("artifact", hash)),
                new TreeMap<>(Map.of("count", "284")));
    }

    @Test
    void eventsFromTwoOrganisationsAreCommittedAndQueriedBack() {
        UUID project = UUID.randomUUID();
        String cohort = String.format("%064x", project.getMostSignificantBits() & Long.MAX_VALUE);
        AuditEvent created = event(project, HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "a".repeat(64));
        AuditEvent aligned = event(project, LAB, 1, AuditEventType.PSI_COMPLETED, cohort);
        hospital.append(created);
        lab.append(aligned);
        assertThat(lab.byProject(project)).containsExactly(created, aligned);
        assertThat(hospital.byArtifactHash(cohort)).containsExactly(aligned);
        assertThat(hospital.byType(AuditEventType.PSI_COMPLETED)).contains(aligned);
    }

    @Test
    void anEventClaimingAnotherOrganisationIsRefused() {
        AuditEvent forged = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.MODEL_RELEASED, "b".repeat(64));
        assertThatThrownBy(() -> lab.append(forged)).isInstanceOfSatisfying(AuditRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.WRONG_ORGANISATION));
        assertThat(hospital.byProject(forged.projectId())).isEmpty();
    }

    @Test
    void aDuplicateEventIdIsOneRecord() {
        UUID project = UUID.randomUUID();
        AuditEvent created = event(project, HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "c".repeat(64));
        hospital.append(created);
        hospital.append(created);
        hospital.appendAll(List.of(created, created));
        assertThat(hospital.byProject(project)).containsExactly(created);
    }

    @Test
    void stoppingThePeerWhileEventsAreProducedLosesNothingAndDuplicatesNothing() throws Exception {
        UUID project = UUID.randomUUID();
        List<AuditEvent> produced = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            produced.add(event(project, HOSPITAL, i, AuditEventType.TRAINING_ROUND, String.format("%064x", i)));
        }
        // A relay in miniature: deliver in order, retry the same batch until it goes through.
        // The peer stops once after 10 events and starts again after 3 refused attempts.
        int next = 0;
        int failures = 0;
        boolean stopped = false;
        boolean restarted = false;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (next < produced.size() && System.nanoTime() < deadline) {
            if (next == 10 && !stopped) {
                fabric("peer", "hospital", "stop");
                stopped = true;
            }
            if (stopped && !restarted && failures >= 3) {
                fabric("peer", "hospital", "start");
                restarted = true;
            }
            List<AuditEvent> batch = produced.subList(next, Math.min(next + 5, produced.size()));
            try {
                hospital.appendAll(batch);
                next += batch.size();
            } catch (AuditException e) {
                assertThat(e).isNotInstanceOf(AuditRefusedException.class);
                failures++;
                Thread.sleep(500);
            }
        }
        assertThat(failures).as("the peer was really down for a while").isGreaterThanOrEqualTo(3);
        assertThat(hospital.byProject(project)).containsExactlyElementsOf(produced);
    }

    @Test
    void noLedgerPayloadOfThisRunNamesATestPatient() {
        List<AuditEvent> all = hospital.byTimeRange(STARTED.minusSeconds(1), Instant.now().plusSeconds(60));
        assertThat(all).isNotEmpty();
        for (AuditEvent event : all) {
            String payload = AuditEventJson.toJson(event);
            for (String identifier : PATIENT_IDENTIFIERS) {
                assertThat(payload).doesNotContain(identifier);
            }
        }
    }

    private static void fabric(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("network/fabric.sh").toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).inheritIO()
                .redirectErrorStream(true).start();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        assertThat(Files.exists(network)).isTrue();
    }
}
