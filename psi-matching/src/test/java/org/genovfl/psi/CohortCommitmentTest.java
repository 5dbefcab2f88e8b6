package org.genovfl.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CohortCommitmentTest {

    private static final UUID PROJECT = UUID.fromString("00000000-0000-0000-0000-0000000000aa");

    @Test
    void shouldGiveBothPartiesTheSameJointCommitmentOverTheirTokens() {
        PsiResult[] results = PsiSessionTest.run(PsiMode.INTERSECTION, PsiSessionTest.records(1000, 0, 300),
                PsiSessionTest.records(5000, 150, 450));
        PsiResult hospital = results[0];
        PsiResult lab = results[1];
        assertThat(hospital.alignedTokens()).hasSize(150 * 32).isEqualTo(lab.alignedTokens());
        assertThat(hospital.cohortCommitment()).hasSize(64)
                .isEqualTo(lab.cohortCommitment())
                .isEqualTo(CohortCommitment.joint(PROJECT, hospital.runId(), hospital.alignedTokens()));
    }

    @Test
    void shouldChangeTheJointCommitmentWithTheRowsTheirOrderTheProjectOrTheRun() {
        PsiResult result = PsiSessionTest.run(PsiMode.INTERSECTION, PsiSessionTest.records(1000, 0, 20),
                PsiSessionTest.records(5000, 0, 20))[0];
        byte[] tokens = result.alignedTokens();
        String agreed = CohortCommitment.joint(PROJECT, result.runId(), tokens);

        byte[] swapped = tokens.clone();
        System.arraycopy(tokens, 0, swapped, 32, 32);
        System.arraycopy(tokens, 32, swapped, 0, 32);
        byte[] dropped = Arrays.copyOf(tokens, tokens.length - 32);
        assertThat(List.of(
                CohortCommitment.joint(PROJECT, result.runId(), swapped),
                CohortCommitment.joint(PROJECT, result.runId(), dropped),
                CohortCommitment.joint(UUID.randomUUID(), result.runId(), tokens),
                CohortCommitment.joint(PROJECT, UUID.randomUUID(), tokens)))
                .doesNotContain(agreed).doesNotHaveDuplicates();
    }

    @Test
    void shouldBindLocalIdsToTokensUnderASaltThatDefeatsGuessing() {
        byte[] tokens = new byte[3 * 32];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (byte) i;
        }
        List<String> ids = List.of("H-1", "H-2", "H-3");
        byte[] salt = new byte[32];
        byte[] otherSalt = new byte[32];
        otherSalt[0] = 1;
        String committed = CohortCommitment.local(salt, tokens, ids);
        assertThat(CohortCommitment.local(salt, tokens, ids)).isEqualTo(committed);
        List<String> reordered = new ArrayList<>(ids);
        Collections.swap(reordered, 0, 1);
        assertThat(List.of(
                CohortCommitment.local(otherSalt, tokens, ids),
                CohortCommitment.local(salt, tokens, reordered),
                CohortCommitment.local(salt, tokens, List.of("H-1", "H-2", "H-4"))))
                .doesNotContain(committed);
        // Length prefixes: moving a character between two ids is another list.
        assertThat(CohortCommitment.local(salt, Arrays.copyOf(tokens, 64), List.of("H-1", "0H-2")))
                .isNotEqualTo(CohortCommitment.local(salt, Arrays.copyOf(tokens, 64), List.of("H-10", "H-2")));
    }

    @Test
    void shouldRefuseMalformedInputs() {
        assertThatThrownBy(() -> CohortCommitment.joint(PROJECT, PROJECT, new byte[33]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33 bytes");
        assertThatThrownBy(() -> CohortCommitment.local(new byte[16], new byte[32], List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("salt");
        assertThatThrownBy(() -> CohortCommitment.local(new byte[32], new byte[64], List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens for 1");
    }
}
