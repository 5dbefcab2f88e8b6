package org.genovfl.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.psi.PsiMessages.BlindedChunk;
import org.genovfl.psi.PsiMessages.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PsiSessionTest {

    private static final UUID PROJECT = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    /** Patient ids are 1000 + sample number at the hospital, 5000 + sample number at the lab. */
    static List<LinkageRecord> records(long base, int from, int to) {
        List<LinkageRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(new LinkageRecord(base + i, "BB-" + i));
        }
        return records;
    }

    private static PsiSession session(UUID run, PsiRole role, PsiMode mode, List<LinkageRecord> records) {
        return PsiSession.builder().runId(run).projectId(PROJECT).identifierType(IdentifierType.BIOBANK_SAMPLE_ID)
                .mode(mode).role(role).records(records).chunkSize(97).build();
    }

    private static PsiSession hospital(UUID run, int size) {
        return session(run, PsiRole.INITIATOR, PsiMode.INTERSECTION, records(1000, 0, size));
    }

    private static PsiSession lab(UUID run, int size) {
        return session(run, PsiRole.RESPONDER, PsiMode.INTERSECTION, records(5000, 0, size));
    }

    /** Messages 1 and 2: each learns the other's set size. */
    static void announceSizes(PsiSession initiator, PsiSession responder) {
        initiator.peerSetSize(responder.localSetSize());
        responder.peerSetSize(initiator.localSetSize());
    }

    /** Moves chunks between the two sessions until both wait for confirmation. */
    static void exchange(PsiSession initiator, PsiSession responder) {
        announceSizes(initiator, responder);
        boolean moved = true;
        while (moved) {
            moved = false;
            for (BlindedChunk c; (c = initiator.nextOutgoing()) != null; moved = true) {
                responder.receive(c);
            }
            for (BlindedChunk c; (c = responder.nextOutgoing()) != null; moved = true) {
                initiator.receive(c);
            }
        }
    }

    static PsiResult[] run(PsiMode mode, List<LinkageRecord> hospital, List<LinkageRecord> lab) {
        UUID run = UUID.randomUUID();
        try (PsiSession h = session(run, PsiRole.INITIATOR, mode, hospital);
                PsiSession l = session(run, PsiRole.RESPONDER, mode, lab)) {
            exchange(h, l);
            PsiResult atHospital = h.intersect();
            PsiResult atLab = l.intersect();
            h.confirm(atLab.confirmation());
            l.confirm(atHospital.confirmation());
            assertThat(h.step()).isEqualTo(PsiSession.Step.DONE);
            return new PsiResult[] {atHospital, atLab};
        }
    }

    @ParameterizedTest(name = "{0}% overlap")
    @CsvSource({"0, 0", "50, 500", "100, 1000"})
    void shouldAlignSharedPatientsInTheSameOrderAtBothParties(int percent, int expected) {
        int labFrom = 1000 - expected;
        PsiResult[] results = run(PsiMode.INTERSECTION, records(1000, 0, 1000), records(5000, labFrom, labFrom + 1000));
        PsiResult hospital = results[0];
        PsiResult lab = results[1];
        assertThat(hospital.intersectionSize()).isEqualTo(expected);
        assertThat(lab.intersectionSize()).isEqualTo(expected);
        List<Long> hospitalSamples = hospital.alignedPatientIds().stream().map(id -> id - 1000).toList();
        List<Long> labSamples = lab.alignedPatientIds().stream().map(id -> id - 5000).toList();
        assertThat(hospitalSamples).isEqualTo(labSamples).doesNotHaveDuplicates();
        assertThat(hospitalSamples).allMatch(sample -> sample >= labFrom && sample < 1000);
        assertThat(hospital.confirmation()).isEqualTo(lab.confirmation());
    }

    @Test
    void shouldNotFollowEitherPartysLocalOrder() {
        PsiResult[] results = run(PsiMode.INTERSECTION, records(1000, 0, 300), records(5000, 0, 300));
        List<Long> aligned = results[0].alignedPatientIds();
        assertThat(aligned).hasSize(300).isNotEqualTo(aligned.stream().sorted().toList());
    }

    @Test
    void shouldMatchIdentifiersThatDifferOnlyInNormalisation() {
        List<LinkageRecord> hospital = List.of(new LinkageRecord(1, "bb-7"), new LinkageRecord(2, "ＢＢ－８"),
                new LinkageRecord(3, "BB-9"));
        List<LinkageRecord> lab = List.of(new LinkageRecord(11, " BB-7 "), new LinkageRecord(12, "BB－8"),
                new LinkageRecord(13, "BB-10"));
        PsiResult[] results = run(PsiMode.INTERSECTION, hospital, lab);
        assertThat(results[0].alignedPatientIds()).containsExactlyInAnyOrder(1L, 2L);
        Map<Long, Long> pairs = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            pairs.put(results[0].alignedPatientIds().get(i), results[1].alignedPatientIds().get(i));
        }
        assertThat(pairs).containsEntry(1L, 11L).containsEntry(2L, 12L);
    }

    @Test
    void shouldReportDuplicatesAndLeaveThemOut() {
        List<LinkageRecord> hospital = new ArrayList<>(records(1000, 0, 10));
        hospital.add(new LinkageRecord(2000, "bb-3")); // same normal form as patient 1003
        hospital.add(new LinkageRecord(2001, "  "));
        PsiResult[] results = run(PsiMode.INTERSECTION, hospital, records(5000, 0, 10));
        assertThat(results[0].duplicates()).isEqualTo(new DuplicateReport(1, 2, 1));
        assertThat(results[0].localSetSize()).isEqualTo(9);
        assertThat(results[0].alignedPatientIds()).hasSize(9).doesNotContain(1003L, 2000L);
        assertThat(results[1].duplicates().clean()).isTrue();
    }

    @Test
    void shouldRevealOnlyTheCountInCardinalityMode() {
        PsiResult[] results = run(PsiMode.CARDINALITY, records(1000, 0, 400), records(5000, 100, 600));
        for (PsiResult result : results) {
            assertThat(result.intersectionSize()).isEqualTo(300);
            assertThat(result.alignedPatientIds()).isEmpty();
            assertThat(result.alignedTokens()).isEmpty();
        }
    }

    @Test
    void shouldHandleAnEmptySet() {
        PsiResult[] results = run(PsiMode.INTERSECTION, List.of(), records(5000, 0, 10));
        assertThat(results[0].intersectionSize()).isZero();
        assertThat(results[1].intersectionSize()).isZero();
    }

    @Test
    void shouldAbortOnAMalformedPointAndStayFailed() {
        UUID run = UUID.randomUUID();
        try (PsiSession h = hospital(run, 50); PsiSession l = lab(run, 50)) {
            announceSizes(h, l);
            BlindedChunk chunk = h.nextOutgoing();
            byte[] tampered = chunk.points().clone();
            Arrays.fill(tampered, 32, 64, (byte) 0xff);
            assertThatThrownBy(() -> l.receive(new BlindedChunk(run, Stage.SINGLY_BLINDED, 0, tampered)))
                    .isInstanceOfSatisfying(PsiException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PsiException.Reason.INVALID_POINT);
                        assertThat(e.runId()).isEqualTo(run);
                        assertThat(e.getMessage()).contains("element 1");
                    });
            assertThat(l.step()).isEqualTo(PsiSession.Step.FAILED);
            assertThatThrownBy(() -> l.receive(chunk)).isInstanceOf(PsiException.class)
                    .hasMessageContaining("already failed");
        }
    }

    @Test
    void shouldAbortOnTheIdentityAmongDoublyBlindedValues() {
        UUID run = UUID.randomUUID();
        try (PsiSession h = hospital(run, 5); PsiSession l = lab(run, 5)) {
            announceSizes(h, l);
            l.receive(h.nextOutgoing());
            h.receive(l.nextOutgoing());
            l.receive(h.nextOutgoing());
            assertThatThrownBy(() -> h.receive(new BlindedChunk(run, Stage.DOUBLY_BLINDED, 0, new byte[5 * 32])))
                    .isInstanceOfSatisfying(PsiException.class,
                            e -> assertThat(e.reason()).isEqualTo(PsiException.Reason.INVALID_POINT));
        }
    }

    @Test
    void shouldRefuseChunksOutOfTurnOrOfAnotherRun() {
        UUID run = UUID.randomUUID();
        try (PsiSession h = hospital(run, 5); PsiSession l = lab(run, 5)) {
            announceSizes(h, l);
            BlindedChunk first = h.nextOutgoing();
            BlindedChunk outOfTurn = new BlindedChunk(run, Stage.DOUBLY_BLINDED, 0, first.points());
            assertThatThrownBy(() -> h.receive(outOfTurn)).isInstanceOfSatisfying(PsiException.class,
                    e -> assertThat(e.reason()).isEqualTo(PsiException.Reason.PROTOCOL_VIOLATION));
            assertThatThrownBy(() -> l.receive(new BlindedChunk(UUID.randomUUID(), first.stage(), 0, first.points())))
                    .isInstanceOf(PsiException.class).hasMessageContaining("another run");
        }
    }

    @Test
    void shouldDetectDivergentResults() {
        UUID run = UUID.randomUUID();
        try (PsiSession h = hospital(run, 5); PsiSession l = lab(run, 5)) {
            exchange(h, l);
            PsiResult mine = h.intersect();
            assertThatThrownBy(() -> h.confirm(new PsiMessages.Confirmation(run, mine.intersectionSize(), "00")))
                    .isInstanceOfSatisfying(PsiException.class,
                            e -> assertThat(e.reason()).isEqualTo(PsiException.Reason.RESULT_MISMATCH));
        }
    }

    @Test
    void shouldRoundTripChunksAndTellATruncatedStreamFromAComplete() throws Exception {
        UUID run = UUID.randomUUID();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = BlindedChunkCodec.writer(bytes);
        BlindedChunk chunk = new BlindedChunk(run, Stage.DOUBLY_BLINDED, 64, new byte[3 * 32]);
        BlindedChunkCodec.write(out, chunk);
        BlindedChunkCodec.writeEnd(out, run, Stage.DOUBLY_BLINDED);
        byte[] stream = bytes.toByteArray();

        var in = BlindedChunkCodec.reader(new ByteArrayInputStream(stream));
        BlindedChunk read = BlindedChunkCodec.read(in, run, 10);
        assertThat(read.offset()).isEqualTo(64);
        assertThat(read.count()).isEqualTo(3);
        assertThat(BlindedChunkCodec.read(in, run, 10)).isNull();

        var truncated = BlindedChunkCodec.reader(new ByteArrayInputStream(Arrays.copyOf(stream, stream.length - 10)));
        BlindedChunkCodec.read(truncated, run, 10);
        assertThatThrownBy(() -> BlindedChunkCodec.read(truncated, run, 10)).isInstanceOf(EOFException.class);
        var tooLarge = BlindedChunkCodec.reader(new ByteArrayInputStream(stream));
        assertThatThrownBy(() -> BlindedChunkCodec.read(tooLarge, run, 2)).isInstanceOf(PsiException.class);
    }
}
