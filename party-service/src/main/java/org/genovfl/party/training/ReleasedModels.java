package org.genovfl.party.training;

import java.util.Optional;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.training.TrainingWire.Participants;
import org.genovfl.vfl.inference.PartyModel;
import org.springframework.stereotype.Component;

/**
 * What other features (inference) may read of this party's training runs: who took part,
 * whether the run released its model, and this party's own share of that model. Key
 * material and checkpoints stay behind this interface.
 */
@Component
public class ReleasedModels {

    /** A training run as this party recorded it. */
    public record TrainedRun(UUID runId, UUID projectId, UUID psiRunId, PartyRole role, Participants participants,
            boolean released) {
    }

    private final TrainingStore store;

    ReleasedModels(TrainingStore store) {
        this.store = store;
    }

    public Optional<TrainedRun> run(UUID trainingRunId) {
        return store.findWithoutKeys(trainingRunId).map(run -> new TrainedRun(run.runId(), run.projectId(),
                run.psiRunId(), run.role(), run.participants(), "COMPLETED".equals(run.status())));
    }

    /**
     * This data holder's share of the released model: its standardiser and coefficients
     * (the hospital's intercept last); empty if the run released none here.
     */
    public Optional<PartyModel> ownModel(TrainedRun run) {
        if (!run.released() || run.role() == PartyRole.COORDINATOR) {
            return Optional.empty();
        }
        return store.releasedModel(run.runId(), run.role() == PartyRole.HOSPITAL);
    }
}
