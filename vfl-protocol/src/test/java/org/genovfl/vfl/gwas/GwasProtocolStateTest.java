package org.genovfl.vfl.gwas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.genovfl.vfl.gwas.GwasMessages.BlockId;
import org.genovfl.vfl.gwas.GwasMessages.NullModelSummary;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;
import org.junit.jupiter.api.Test;

/** The roles refuse what their state does not expect, with typed errors that keep the run and block. */
class GwasProtocolStateTest {

    static final RunId RUN = new RunId("p", "r");

    @Test
    void coordinatorRefusesACohortBelowTheReleaseRule() {
        try (GwasCoordinator coordinator = new GwasCoordinator(RUN, new ReleaseRules(100, 5))) {
            assertThatThrownBy(() -> coordinator.receive(new NullModelSummary(RUN, Trait.BINARY, 99, 3, 1.0, List.of("lab"))))
                    .isInstanceOfSatisfying(GwasException.class, e -> {
                        assertThat(e.stage()).isEqualTo(GwasException.Stage.RELEASE_REFUSED);
                        assertThat(e.run()).isEqualTo(RUN);
                    });
            assertThat(coordinator.phase()).isEqualTo(GwasParticipant.Phase.WAITING);
        }
    }

    @Test
    void labRefusesABlockBeforeItHasKeysAndMessagesOfAnotherRun() {
        LabGenotypes.Prepared empty = new LabGenotypes(List.of(), new double[0][]).prepare(VariantFilter.ALL, 0);
        try (GwasLab lab = new GwasLab("lab", RUN, empty, 0)) {
            assertThatThrownBy(() -> lab.receive(new ScanBlock(new BlockId(RUN, "lab", 0))))
                    .isInstanceOfSatisfying(GwasException.class,
                            e -> assertThat(e.stage()).isEqualTo(GwasException.Stage.OUT_OF_ORDER));
            RunId other = new RunId("p", "other");
            assertThatThrownBy(() -> lab.receive(new ScanBlock(new BlockId(other, "lab", 0))))
                    .isInstanceOfSatisfying(GwasException.class,
                            e -> assertThat(e.stage()).isEqualTo(GwasException.Stage.MISMATCH));
        }
    }

    @Test
    void coordinatorAcceptsNoBlockResultItDidNotAskFor() {
        try (GwasCoordinator coordinator = new GwasCoordinator(RUN, ReleaseRules.DEFAULT)) {
            var result = new GwasMessages.BlockResult(new BlockId(RUN, "lab", 3), List.of(), List.of(), new byte[0],
                    new byte[0]);
            assertThatThrownBy(() -> coordinator.receive(result)).isInstanceOfSatisfying(GwasException.class, e -> {
                assertThat(e.stage()).isEqualTo(GwasException.Stage.OUT_OF_ORDER);
                assertThat(e.block()).isEqualTo(3);
            });
        }
    }
}
