package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.genovfl.vfl.LocalTrainingRun;
import org.genovfl.vfl.TrainingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * More than one lab between real party services: the hospital holds 10 columns of
 * breast_cancer.csv and the label, each of two labs 10 more as dosages. The coordinator
 * takes every lab it knows into the run; the hospital exchanges with each lab; each lab
 * releases its own coefficients, which are those of the same run computed in one process.
 */
class TwoLabNetworkIT {

    static final String SECOND_LAB = "Baltic Genome Centre";
    static final TrainingConfig CONFIG = new TrainingConfig(11, 0.2, 128, 2, 0.1, 0.02, 0.9, 1.0, 8, 1e-4, 8.0,
            TrainingConfig.StoppingMetric.AUC);

    @TempDir
    static Path directory;

    static ThreePartyNetwork parties;
    static TrainingFixture cohort;

    @BeforeAll
    static void startFourPartiesAndSeedCohort() {
        parties = ThreePartyNetwork.start(directory, List.of(SECOND_LAB));
        cohort = new TrainingFixture(10, 10, 10);
        for (PartyRole role : List.of(PartyRole.HOSPITAL, PartyRole.LAB, PartyRole.COORDINATOR)) {
            cohort.seedProject(parties.bean(role, JdbcTemplate.class));
        }
        JdbcTemplate secondLab = parties.extraLabBean(SECOND_LAB, JdbcTemplate.class);
        cohort.seedProject(secondLab);
        cohort.seedHospital(parties.bean(PartyRole.HOSPITAL, JdbcTemplate.class),
                DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL));
        cohort.seedLab(parties.bean(PartyRole.LAB, JdbcTemplate.class), DemoNetwork.ORGANISATIONS.get(PartyRole.LAB), 0);
        cohort.seedLab(secondLab, SECOND_LAB, 1);
        cohort.seedAlignedCohort();
    }

    @AfterAll
    static void stopParties() {
        if (parties != null) {
            parties.close();
        }
    }

    @Test
    void bothLabsTrainWithTheHospitalAndEachReleasesItsOwnSliceOfTheModel() throws Exception {
        UUID runId = cohort.startRun(parties, CONFIG);
        JsonNode run = TrainingFixture.awaitFinished(parties, runId);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("COMPLETED");

        // The lab order of the run is the coordinator's peer order: the demo lab, then the second.
        LocalTrainingRun.Result local = LocalTrainingRun.train(cohort.clinical, cohort.labels, cohort.genotypes, CONFIG,
                epoch -> { });
        assertThat(run.get("bestEpoch").asInt()).isEqualTo(local.bestEpoch());
        for (JsonNode epoch : run.get("epochs")) {
            assertThat(epoch.get("auc").asDouble()).as("epoch " + epoch.get("epoch"))
                    .isCloseTo(local.epochs().get(epoch.get("epoch").asInt()).validation().auc(), within(1e-3));
        }
        String path = "/api/training-runs/" + runId;
        JsonNode hospital = TrainingFixture.view(parties, parties.url(PartyRole.HOSPITAL, path), "admin");
        JsonNode firstLab = TrainingFixture.view(parties, parties.url(PartyRole.LAB, path), "admin");
        JsonNode secondLab = TrainingFixture.view(parties, parties.extraLabUrl(SECOND_LAB, path), "admin");
        assertThat(TrainingFixture.coefficients(hospital)).containsExactly(local.hospitalWeights(), within(1e-3));
        assertThat(TrainingFixture.coefficients(firstLab)).containsExactly(local.labWeights().get(0), within(1e-3));
        assertThat(TrainingFixture.coefficients(secondLab)).containsExactly(local.labWeights().get(1), within(1e-3));

        // The coordinator's record holds the three released hashes and no coefficient.
        String coordinatorModel = parties.bean(PartyRole.COORDINATOR, JdbcTemplate.class).queryForObject(
                "SELECT CAST(report AS TEXT) FROM model WHERE training_run_id = ? AND coefficients IS NULL",
                String.class, runId);
        assertThat(coordinatorModel).contains(hospital.get("modelSha256").asText(),
                firstLab.get("modelSha256").asText(), secondLab.get("modelSha256").asText());
        assertThat(parties.extraLabBean(SECOND_LAB, JdbcTemplate.class).queryForObject("""
                SELECT payload -> 'artifactHashes' ->> 'cohort' FROM audit_outbox
                 WHERE event_type = 'MODEL_RELEASED' AND payload -> 'metadata' ->> 'trainingRun' = ?
                """, String.class, runId.toString())).isEqualTo(TrainingFixture.COHORT_COMMITMENT);

        // Nothing a data holder knows of its patients reached its audit trail.
        PersonalDataScan.assertAuditTrailFreeOfIdentifiers(parties.bean(PartyRole.HOSPITAL, JdbcClient.class));
        PersonalDataScan.assertAuditTrailFreeOfIdentifiers(parties.bean(PartyRole.LAB, JdbcClient.class));
        PersonalDataScan.assertAuditTrailFreeOfIdentifiers(parties.extraLabBean(SECOND_LAB, JdbcClient.class));
    }
}
