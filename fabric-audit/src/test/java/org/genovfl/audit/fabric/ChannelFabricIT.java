package org.genovfl.audit.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
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

    static LocalFabricNetwork network;
    static FabricAuditLedger hospital;
    static FabricAuditLedger lab;
    static FabricAuditLedger regulator;
    static FabricConnection regulatorConnection;

    @BeforeAll
    static void connect() {
        network = LocalFabricNetwork.fromSystemProperty(Path.of("network/fabric.sh"));
        hospital = network.connect("hospital");
        lab = network.connect("lab");
        regulatorConnection = network.connection("regulator");
        regulator = FabricAuditLedger.connect(regulatorConnection);
    }

    @AfterAll
    static void close() {
        if (hospital != null) {
            hospital.close();
        }
        if (lab != null) {
            lab.close();
        }
        if (regulator != null) {
            regulator.close();
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
    void aRecordedEventCannotBeRewrittenNorDeletedByAnyOrganisation() throws Exception {
        AuditEvent released = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.MODEL_RELEASED, "d".repeat(64));
        hospital.append(released);
        AuditEvent rewritten = new AuditEvent(released.eventId(), released.projectId(), 1, released.type(),
                HOSPITAL, released.occurredAt(), released.artifactHashes(), new TreeMap<>(Map.of("count", "285")));
        assertThatThrownBy(() -> hospital.append(rewritten)).isInstanceOfSatisfying(AuditRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.EVENT_ID_CONFLICT));
        assertThatThrownBy(() -> lab.append(rewritten)).isInstanceOfSatisfying(AuditRefusedException.class,
                e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.WRONG_ORGANISATION));
        // The contract offers no transaction that changes or removes a record: appendEvents is its only write.
        assertThat(submitTransactions(hospital.contract().evaluateTransaction("org.hyperledger.fabric:GetMetadata"),
                "genovfl-audit")).containsExactly("appendEvents");
        assertThatThrownBy(() -> hospital.contract().submitTransaction("deleteEvent", released.eventId().toString()))
                .isInstanceOf(EndorseException.class);
        assertThat(regulator.byProject(released.projectId())).containsExactly(released);
    }

    @Test
    void theRegulatorReadsThroughItsOwnPeerAndCannotWrite() {
        assertThat(regulatorConnection.peerEndpoint()).isEqualTo("127.0.0.1:10051");
        assertThat(regulatorConnection.mspId()).isEqualTo("RegulatorMSP");
        AuditEvent created = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "e".repeat(64));
        hospital.append(created);
        assertThat(regulator.byProject(created.projectId())).containsExactly(created);
        assertThat(regulator.byArtifactHash("e".repeat(64))).contains(created);
        AuditEvent inTheHospitalsName = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.MODEL_RELEASED,
                "f".repeat(64));
        assertThatThrownBy(() -> regulator.append(inTheHospitalsName)).isInstanceOfSatisfying(
                AuditRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(AuditRefusal.WRONG_ORGANISATION));
        assertThat(hospital.byProject(inTheHospitalsName.projectId())).isEmpty();
    }

    @Test
    void anEventEndorsedByOneOrganisationAloneIsNotCommitted() throws Exception {
        AuditEvent alone = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "1".repeat(64));
        // The gateway would ask a second organisation; this proposal asks the hospital's peer only.
        SubmittedTransaction submitted = hospital.contract().newProposal("appendEvents")
                .addArguments("[" + AuditEventJson.toJson(alone) + "]")
                .setEndorsingOrganizations("HospitalMSP")
                .build().endorse().submitAsync();
        Status status = submitted.getStatus();
        assertThat(status.isSuccessful()).isFalse();
        assertThat(status.getCode()).isEqualTo(TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
        assertThat(hospital.byProject(alone.projectId())).isEmpty();
        hospital.append(alone);   // endorsed as the policy asks, the same event commits
        assertThat(regulator.byProject(alone.projectId())).containsExactly(alone);
    }

    @Test
    void theRegulatorsPeerShowsOneIntactTrailWithBlockTransactionAndEndorsingOrganisations() {
        AuditEvent created = event(UUID.randomUUID(), LAB, 1, AuditEventType.PROJECT_CREATED, "2".repeat(64));
        lab.append(created);
        ChannelTrail trail = ChannelTrail.read(regulator, "genovfl-audit",
                java.util.Set.of("HospitalMSP", "LabMSP", "CoordinatorMSP"));
        assertThat(trail.integrity().problems()).isEmpty();
        assertThat(trail.integrity().blocks()).isGreaterThan(1);
        ChannelTrail.Entry entry = trail.entries().stream().filter(e -> e.events().contains(created)).findFirst()
                .orElseThrow();
        assertThat(entry.blockNumber()).isPositive();
        assertThat(entry.transactionId()).matches("[0-9a-f]{64}");
        assertThat(entry.endorsingOrganisations()).contains("LabMSP").hasSizeGreaterThanOrEqualTo(2);
        assertThat(entry.orderedAt()).isBetween(created.occurredAt().minusSeconds(5), Instant.now());
        assertThat(trail.events()).doesNotHaveDuplicates();
    }

    @Test
    void theCachedTrailIsReadAgainWhenTheChannelGrowsAndLocatesEachEvent() throws Exception {
        ChannelTrailCache cache = new ChannelTrailCache(regulator, java.util.Set.of("HospitalMSP", "LabMSP", "CoordinatorMSP"));
        AuditEvent first = event(UUID.randomUUID(), LAB, 1, AuditEventType.PROJECT_CREATED, "3".repeat(64));
        lab.append(first);
        ChannelTrail.Entry firstEntry = awaitEntry(cache, first.eventId());
        ChannelTrail unchanged = cache.trail();
        assertThat(cache.trail()).as("no new block, no new read").isSameAs(unchanged);

        AuditEvent second = event(UUID.randomUUID(), HOSPITAL, 1, AuditEventType.PROJECT_CREATED, "4".repeat(64));
        hospital.append(second);
        ChannelTrail.Entry secondEntry = awaitEntry(cache, second.eventId());
        assertThat(secondEntry.blockNumber()).isGreaterThan(firstEntry.blockNumber());
        assertThat(secondEntry.transactionId()).isNotEqualTo(firstEntry.transactionId());
        assertThat(secondEntry.endorsingOrganisations()).contains("HospitalMSP");
        assertThat(cache.trail().integrity().problems()).isEmpty();
        assertThat(cache.entryOf(UUID.randomUUID())).isEmpty();
    }

    /** The regulator's peer commits a block a moment after the submitter's peer confirmed it. */
    private static ChannelTrail.Entry awaitEntry(ChannelTrailCache cache, UUID eventId) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (true) {
            java.util.Optional<ChannelTrail.Entry> entry = cache.entryOf(eventId);
            if (entry.isPresent()) {
                return entry.get();
            }
            assertThat(System.nanoTime()).as("the regulator's peer holds event " + eventId).isLessThan(deadline);
            Thread.sleep(100);
        }
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

    /** Names of the transactions that the contract metadata tags SUBMIT (may write to the world state). */
    /** The SUBMIT transactions one contract of the chaincode offers, from its metadata. */
    static List<String> submitTransactions(byte[] metadata, String contract) throws Exception {
        List<String> names = new ArrayList<>();
        JsonNode transactions = new ObjectMapper().readTree(metadata).path("contracts").path(contract).path("transactions");
        assertThat(transactions.isArray()).as("contract " + contract + " in the chaincode's metadata").isTrue();
        for (JsonNode transaction : transactions) {
            for (JsonNode tag : transaction.path("tags")) {
                if (tag.asText().equals("SUBMIT")) {
                    names.add(transaction.path("name").asText());
                }
            }
        }
        return names;
    }

    private static void fabric(String... arguments) throws Exception {
        network.run(arguments);
    }
}
