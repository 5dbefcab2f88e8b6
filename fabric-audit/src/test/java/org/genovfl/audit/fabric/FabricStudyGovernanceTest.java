package org.genovfl.audit.fabric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.UUID;
import org.genovfl.audit.governance.GovernanceException;
import org.genovfl.audit.governance.GovernanceFixtures;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.hyperledger.fabric.client.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governance client without a network: a peer that is down is an outage, not a refusal,
 * and the chaincode's refusal codes are read back. On the running network: ChannelFabricIT.
 */
class FabricStudyGovernanceTest {

    @TempDir
    Path directory;

    @Test
    void aPeerThatIsDownIsAnOutageNotARefusal() throws Exception {
        FabricConnection connection = FabricConnection.fromProperties(
                FabricAuditLedgerTest.writeConnection(directory, FabricAuditLedgerTest.unusedPort()));
        UUID project = UUID.randomUUID();
        try (FabricStudyGovernance governance = FabricStudyGovernance.connect(connection)) {
            assertThatThrownBy(() -> governance.propose(GovernanceFixtures.terms(project, GovernanceFixtures.HASH_V1),
                    "protocol agreed"))
                    .isExactlyInstanceOf(GovernanceException.class)
                    .hasMessageContaining("UNAVAILABLE")
                    .satisfies(e -> assertThat(((GovernanceException) e).projectId()).isEqualTo(project));
            assertThatThrownBy(() -> governance.state(project)).isExactlyInstanceOf(GovernanceException.class);
        }
    }

    @Test
    void readsTheChaincodesStableRefusalCodes() {
        UUID project = UUID.randomUUID();
        GatewayException other = new GatewayException(Status.ABORTED
                .withDescription("failed to endorse transaction, see attached details for more info")
                .asRuntimeException());
        assertThat(FabricStudyGovernance.refusal(other)).isNull();
        for (GovernanceRefusal code : GovernanceRefusal.values()) {
            GatewayException refused = new GatewayException(Status.ABORTED
                    .withDescription("chaincode response 500, " + code + " project=" + project + ": project " + project)
                    .asRuntimeException());
            GovernanceRefusedException parsed = FabricStudyGovernance.refusal(refused);
            assertThat(parsed.refusal()).isEqualTo(code);
            assertThat(parsed.projectId()).isEqualTo(project);
        }
        GatewayException auditRefusal = new GatewayException(Status.ABORTED
                .withDescription("chaincode response 500, SEQUENCE_GAP event=" + project + ": gap").asRuntimeException());
        assertThat(FabricStudyGovernance.refusal(auditRefusal)).isNull();
    }
}
