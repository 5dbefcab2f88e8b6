package org.genovfl.party.inference;

import java.util.UUID;
import org.genovfl.party.inference.InferenceWire.Aborted;
import org.genovfl.party.inference.InferenceWire.ContributionRequest;
import org.genovfl.party.inference.InferenceWire.KeysIssued;
import org.genovfl.party.inference.InferenceWire.PreflightAccepted;
import org.genovfl.party.inference.InferenceWire.RunRequest;
import org.genovfl.party.inference.InferenceWire.Scored;
import org.genovfl.party.security.PeerAuthentication;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Peer API of inference at a hospital or lab, called by the coordinator of the model's
 * training run only (checked by {@link DataHolderInference}). The coordinator has no
 * inference peer endpoint: it calls out, and it never receives a key it could decrypt with.
 */
@RestController
@ConditionalOnExpression("!'${genovfl.role:}'.equalsIgnoreCase('COORDINATOR')")
class InferencePeerController {

    private final DataHolderInference inference;

    InferencePeerController(DataHolderInference inference) {
        this.inference = inference;
    }

    @PostMapping("/peer/inference/runs/{runId}/preflight")
    PreflightAccepted preflight(@PathVariable UUID runId, @RequestBody RunRequest run, PeerAuthentication caller) {
        requireRun(runId, run);
        return inference.preflight(caller.organisation(), run);
    }

    @PostMapping("/peer/inference/runs/{runId}/keys")
    KeysIssued keys(@PathVariable UUID runId, @RequestBody RunRequest run, PeerAuthentication caller) {
        requireRun(runId, run);
        return inference.keys(caller.organisation(), run);
    }

    @PostMapping("/peer/inference/runs/{runId}/partial-scores")
    EncryptedPartialScores partialScores(@PathVariable UUID runId, @RequestBody ContributionRequest request,
            PeerAuthentication caller) {
        requireRun(runId, request.run());
        return inference.contribute(caller.organisation(), request);
    }

    @PostMapping("/peer/inference/runs/{runId}/sum")
    Scored sum(@PathVariable UUID runId, @RequestBody EncryptedScoreSum sum, PeerAuthentication caller) {
        if (sum.ciphertexts() == null || sum.contributors() == null) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA, "incomplete score sum");
        }
        return inference.complete(caller.organisation(), runId, sum);
    }

    @PostMapping("/peer/inference/runs/{runId}/abort")
    Aborted abort(@PathVariable UUID runId, PeerAuthentication caller) {
        return new Aborted(inference.abort(caller.organisation(), runId));
    }

    private static void requireRun(UUID runId, RunRequest run) {
        if (run == null || !runId.equals(run.runId()) || run.projectId() == null || run.trainingRunId() == null
                || run.psiRunId() == null || run.requester() == null) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA,
                    "incomplete run request, or one for another run");
        }
    }
}
