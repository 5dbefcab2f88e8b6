package org.genovfl.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.genovfl.psi.JointCohortCommitment.Component;
import org.genovfl.psi.JointCohortMessages.JointCohortProposal;
import org.junit.jupiter.api.Test;

class JointCohortCommitmentTest {

    private static final UUID PROJECT = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID JOINT = UUID.fromString("00000000-0000-0000-0000-0000000000bb");
    private static final UUID SOURCE_1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID SOURCE_2 = UUID.fromString("00000000-0000-0000-0000-000000000002");

    /** Three rows of tokens: 0, 1, ..., 95 for source 1; 255, 254, ..., 160 for source 2. */
    private static byte[] tokens(boolean descending) {
        byte[] tokens = new byte[3 * 32];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (byte) (descending ? 255 - i : i);
        }
        return tokens;
    }

    private static List<Component> components(byte[] first, byte[] second) {
        return List.of(new Component(SOURCE_1, JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, first)),
                new Component(SOURCE_2, JointCohortCommitment.component(PROJECT, JOINT, SOURCE_2, second)));
    }

    @Test
    void shouldReproduceTheVectorComputedIndependentlyFromTheDefinition() {
        // Computed with Python's hashlib from the formula in the Javadoc and psi.md.
        List<Component> components = components(tokens(false), tokens(true));
        assertThat(components.get(0).sha256())
                .isEqualTo("97982d40e4e52cfc90e8ad68a00258c97d40d893dcc4810a172de57a91a46dd6");
        assertThat(components.get(1).sha256())
                .isEqualTo("31b2f689fd9cb189f9c06bad24abf3d5bf7415861140a74a95167ec28ff48ef5");
        assertThat(JointCohortCommitment.joint(PROJECT, JOINT, components))
                .isEqualTo("906cca60b96ca438379e2f2ac1a100fed2f18ed86898a3eafd828e8c5273bddf");
    }

    @Test
    void shouldChangeWithTheRowOrderATamperedRowOrAnotherRunOrProject() {
        byte[] tokens = tokens(false);
        String agreed = JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, tokens);
        byte[] swapped = tokens.clone();
        System.arraycopy(tokens, 0, swapped, 32, 32);
        System.arraycopy(tokens, 32, swapped, 0, 32);
        byte[] tampered = tokens.clone();
        tampered[40] ^= 1;
        assertThat(List.of(
                JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, swapped),
                JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, tampered),
                JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, Arrays.copyOf(tokens, 64)),
                JointCohortCommitment.component(PROJECT, JOINT, SOURCE_2, tokens),
                JointCohortCommitment.component(PROJECT, UUID.randomUUID(), SOURCE_1, tokens),
                JointCohortCommitment.component(UUID.randomUUID(), JOINT, SOURCE_1, tokens)))
                .doesNotContain(agreed).doesNotHaveDuplicates();
        // The same tokens as a pairwise joint commitment are another hash: domains are separate.
        assertThat(CohortCommitment.joint(PROJECT, JOINT, tokens)).isNotEqualTo(agreed);
    }

    @Test
    void shouldChangeWithTheSourceOrderAndATamperedComponent() {
        List<Component> components = components(tokens(false), tokens(true));
        String agreed = JointCohortCommitment.joint(PROJECT, JOINT, components);
        Component second = components.get(1);
        char flipped = second.sha256().charAt(0) == '0' ? '1' : '0';
        Component lied = new Component(second.sourceRunId(), flipped + second.sha256().substring(1));
        assertThat(List.of(
                JointCohortCommitment.joint(PROJECT, JOINT, List.of(components.get(1), components.get(0))),
                JointCohortCommitment.joint(PROJECT, JOINT, List.of(components.get(0), lied)),
                JointCohortCommitment.joint(PROJECT, JOINT, List.of(components.get(0))),
                JointCohortCommitment.joint(PROJECT, UUID.randomUUID(), components)))
                .doesNotContain(agreed).doesNotHaveDuplicates();
        // Component hashes bound to their run: swapping the run ids of two components is another commitment.
        assertThat(JointCohortCommitment.joint(PROJECT, JOINT, List.of(
                new Component(SOURCE_2, components.get(0).sha256()),
                new Component(SOURCE_1, components.get(1).sha256())))).isNotEqualTo(agreed);
    }

    @Test
    void shouldRefuseMalformedComponentsAndProposals() {
        assertThatThrownBy(() -> new Component(SOURCE_1, "AB".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case hex");
        assertThatThrownBy(() -> JointCohortCommitment.component(PROJECT, JOINT, SOURCE_1, new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31 bytes");
        List<Component> components = components(tokens(false), tokens(true));
        assertThatThrownBy(() -> JointCohortCommitment.joint(PROJECT, JOINT, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> JointCohortCommitment.joint(PROJECT, JOINT,
                List.of(components.get(0), components.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");

        int[] rows = {2, 0};
        assertThat(new JointCohortProposal(JOINT, PROJECT, SOURCE_2, rows, components).ownComponent())
                .isEqualTo(components.get(1).sha256());
        assertThat(new JointCohortProposal(JOINT, PROJECT, SOURCE_2, rows, components).toString())
                .contains("rows=2").doesNotContain("[2, 0]");
        assertThatThrownBy(() -> new JointCohortProposal(JOINT, PROJECT, UUID.randomUUID(), rows, components))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no component hash");
        assertThatThrownBy(() -> new JointCohortProposal(JOINT, PROJECT, SOURCE_1, rows, components.subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 to 16");
        assertThatThrownBy(() -> new JointCohortProposal(JOINT, PROJECT, SOURCE_1, new int[0], components))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one row");
    }
}
