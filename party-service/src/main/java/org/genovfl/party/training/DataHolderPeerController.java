package org.genovfl.party.training;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.UUID;
import org.genovfl.party.security.PeerAuthentication;
import org.genovfl.party.training.TrainingWire.DecisionApplied;
import org.genovfl.party.training.TrainingWire.Preflight;
import org.genovfl.party.training.TrainingWire.PreflightAccepted;
import org.genovfl.party.training.TrainingWire.TestRequest;
import org.genovfl.vfl.protocol.Messages.TestReport;
import org.genovfl.party.training.TrainingWire.DecisionDelivery;
import org.genovfl.party.training.TrainingWire.LabRoundDone;
import org.genovfl.party.training.TrainingWire.ResidualsDelivery;
import org.genovfl.party.training.TrainingWire.RoundDone;
import org.genovfl.party.training.TrainingWire.RoundRequest;
import org.genovfl.party.training.TrainingWire.Setup;
import org.genovfl.party.training.TrainingWire.SetupAccepted;
import org.genovfl.party.training.TrainingWire.ValidationOutcome;
import org.genovfl.party.training.TrainingWire.ValidationRequest;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Peer API of training at a hospital or lab (absent at the coordinator, which therefore has
 * no endpoint that accepts an unmasked ciphertext). Which caller may send what is checked by
 * {@link DataHolderTraining}: setup, rounds, validation and decisions only from the run's
 * coordinator; scores, residuals and validation-score requests only from the run's hospital.
 */
@RestController
@ConditionalOnExpression("!'${genovfl.role:}'.equalsIgnoreCase('COORDINATOR')")
class DataHolderPeerController {

    /** The key setup (Galois keys included) is tens of megabytes: more than Jackson's default string limit. */
    private static final int MAX_SETUP_CHARS = 512 * 1024 * 1024;

    private final DataHolderTraining training;
    private final ObjectMapper setupJson;

    DataHolderPeerController(DataHolderTraining training, ObjectMapper json) {
        this.training = training;
        this.setupJson = json.copy();
        this.setupJson.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxStringLength(MAX_SETUP_CHARS).build());
    }

    @PostMapping(path = "/peer/training/runs/{runId}/setup", consumes = MediaType.APPLICATION_JSON_VALUE)
    SetupAccepted setup(@PathVariable UUID runId, @RequestBody byte[] body, PeerAuthentication caller) {
        Setup setup;
        try {
            setup = setupJson.readValue(body, Setup.class);
        } catch (IOException e) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA,
                    "unreadable setup: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (setup == null || setup.runId() == null || !setup.runId().equals(runId) || setup.keySetup() == null
                || setup.participants() == null || setup.config() == null) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA, "incomplete setup");
        }
        return training.setup(caller.organisation(), setup);
    }

    @PostMapping("/peer/training/runs/{runId}/rounds")
    RoundDone round(@PathVariable UUID runId, @RequestBody RoundRequest request, PeerAuthentication caller) {
        return training.runRound(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/runs/{runId}/scores")
    EncryptedScores scores(@PathVariable UUID runId, @RequestBody RoundRequest request, PeerAuthentication caller) {
        return training.scores(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/runs/{runId}/residuals")
    LabRoundDone residuals(@PathVariable UUID runId, @RequestBody ResidualsDelivery delivery,
            PeerAuthentication caller) {
        return training.residuals(caller.organisation(), runId, delivery);
    }

    @PostMapping("/peer/training/runs/{runId}/validation")
    ValidationOutcome validation(@PathVariable UUID runId, @RequestBody ValidationRequest request,
            PeerAuthentication caller) {
        return training.validate(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/runs/{runId}/validation-scores")
    EncryptedScores validationScores(@PathVariable UUID runId, @RequestBody ValidationRequest request,
            PeerAuthentication caller) {
        return training.validationScores(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/preflight")
    PreflightAccepted preflight(@RequestBody Preflight request, PeerAuthentication caller) {
        return training.preflight(caller.organisation(), request);
    }

    @PostMapping("/peer/training/runs/{runId}/test")
    TestReport test(@PathVariable UUID runId, @RequestBody TestRequest request, PeerAuthentication caller) {
        return training.test(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/runs/{runId}/test-scores")
    EncryptedScores testScores(@PathVariable UUID runId, @RequestBody TestRequest request,
            PeerAuthentication caller) {
        return training.testScores(caller.organisation(), runId, request);
    }

    @PostMapping("/peer/training/runs/{runId}/decision")
    DecisionApplied decision(@PathVariable UUID runId, @RequestBody DecisionDelivery delivery,
            PeerAuthentication caller) {
        return training.decide(caller.organisation(), runId, delivery);
    }
}
