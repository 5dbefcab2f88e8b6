package org.genovfl.party.training;

import java.util.UUID;
import org.genovfl.party.security.PeerAuthentication;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Peer API of training at the coordinator: by design it accepts masked messages only
 * ({@link MaskedGradient} from a data holder of the run, {@link MaskedScores} from its
 * hospital) and answers with the decrypted, still masked values. Nothing else a party
 * could send (scores, residuals) has an endpoint here.
 */
@RestController
@ConditionalOnProperty(name = "genovfl.role", havingValue = "COORDINATOR")
class CoordinatorPeerController {

    private final CoordinatorTraining training;

    CoordinatorPeerController(CoordinatorTraining training) {
        this.training = training;
    }

    @PostMapping("/peer/training/runs/{runId}/decrypt")
    MaskedValues decrypt(@PathVariable UUID runId, @RequestBody MaskedGradient gradient, PeerAuthentication caller) {
        return training.decrypt(caller.organisation(), runId, gradient);
    }

    @PostMapping("/peer/training/runs/{runId}/validation-decrypt")
    MaskedValues decryptValidation(@PathVariable UUID runId, @RequestBody MaskedScores scores,
            PeerAuthentication caller) {
        return training.decrypt(caller.organisation(), runId, scores);
    }

    @PostMapping("/peer/training/runs/{runId}/test-decrypt")
    MaskedValues decryptTest(@PathVariable UUID runId, @RequestBody MaskedScores scores, PeerAuthentication caller) {
        return training.decryptTest(caller.organisation(), runId, scores);
    }
}
