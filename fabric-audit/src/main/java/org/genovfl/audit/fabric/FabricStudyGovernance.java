package org.genovfl.audit.fabric;

import static org.genovfl.audit.fabric.GatewayConnection.describe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.genovfl.audit.governance.GovernanceException;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.GovernanceRefusal;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.genovfl.audit.governance.StudyGovernance;
import org.genovfl.audit.governance.StudyStatus;
import org.genovfl.audit.governance.StudyTerms;
import org.hyperledger.fabric.client.CommitException;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.SubmitException;

/**
 * Study governance on the Fabric channel: the chaincode's {@code genovfl-governance}
 * contract through the organisation's gateway. The chaincode takes the caller from the
 * gateway's client identity (its MSP), so this object acts as exactly that organisation.
 *
 * <pre>{@code
 * try (FabricStudyGovernance governance = FabricStudyGovernance.connect(FabricConnection.fromProperties(file))) {
 *     governance.approve(projectId, specificationHash, "validated features and cohort rules");
 * }
 * }</pre>
 *
 * <p>A refusal by the chaincode becomes a {@link GovernanceRefusedException} with its stable
 * code; anything else (peer down, timeout, an invalidated transaction) a
 * {@link GovernanceException}, after which the call may be repeated (an accepted transaction
 * repeated changes nothing).
 */
public final class FabricStudyGovernance implements StudyGovernance, AutoCloseable {

    /** The contract's name within the audit chaincode. */
    public static final String CONTRACT = "genovfl-governance";
    private static final Pattern REFUSAL = Pattern.compile(
            "\\b(" + Stream.of(GovernanceRefusal.values()).map(Enum::name).collect(Collectors.joining("|"))
                    + ") project=([0-9a-f-]{36}|null)");

    private final GatewayConnection gateway;
    private final Contract contract;

    private FabricStudyGovernance(GatewayConnection gateway, Contract contract) {
        this.gateway = gateway;
        this.contract = contract;
    }

    /**
     * Connects as the identity in {@code connection}; lazily, as {@link FabricAuditLedger#connect}.
     *
     * @throws IllegalArgumentException if a certificate or key file cannot be read
     */
    public static FabricStudyGovernance connect(FabricConnection connection) {
        GatewayConnection gateway = GatewayConnection.open(connection);
        return new FabricStudyGovernance(gateway, gateway.network().getContract(connection.chaincode(), CONTRACT));
    }

    @Override
    public StudyStatus propose(StudyTerms terms, String reason) {
        return GovernanceJson.statusFromJson(submit(terms.projectId(), "propose", GovernanceJson.toJson(terms), reason));
    }

    @Override
    public StudyStatus approve(UUID projectId, String specificationHash, String reason) {
        return GovernanceJson.statusFromJson(submit(projectId, "approve", projectId.toString(), specificationHash,
                reason));
    }

    @Override
    public StudyStatus suspend(UUID projectId, String reason) {
        return GovernanceJson.statusFromJson(submit(projectId, "suspend", projectId.toString(), reason));
    }

    @Override
    public StudyStatus resume(UUID projectId, String reason) {
        return GovernanceJson.statusFromJson(submit(projectId, "resume", projectId.toString(), reason));
    }

    @Override
    public StudyStatus close(UUID projectId, String reason) {
        return GovernanceJson.statusFromJson(submit(projectId, "close", projectId.toString(), reason));
    }

    @Override
    public StudyStatus state(UUID projectId) {
        return GovernanceJson.statusFromJson(evaluate(projectId, "getStudy"));
    }

    @Override
    public List<GovernanceRecord> history(UUID projectId) {
        return GovernanceJson.historyFromJson(evaluate(projectId, "getHistory"));
    }

    @Override
    public void close() {
        gateway.close();
    }

    private String submit(UUID projectId, String function, String... arguments) {
        Objects.requireNonNull(projectId, "projectId");
        try {
            return new String(contract.submitTransaction(function, arguments), StandardCharsets.UTF_8);
        } catch (EndorseException e) {
            GovernanceRefusedException refused = refusal(e);
            if (refused != null) {
                throw refused;
            }
            throw new GovernanceException("Fabric endorsement of " + function + " failed (" + e.getStatus().getCode()
                    + "): " + describe(e), projectId, e);
        } catch (SubmitException e) {
            throw new GovernanceException("Fabric orderer did not accept " + function + ": "
                    + describe(e), projectId, e);
        } catch (CommitStatusException e) {
            throw new GovernanceException("Fabric commit status of " + function + " unknown: "
                    + describe(e), projectId, e);
        } catch (CommitException e) {
            throw new GovernanceException("Fabric transaction " + e.getTransactionId() + " (" + function
                    + ") invalidated: " + e.getCode(), projectId, e);
        }
    }

    private String evaluate(UUID projectId, String function) {
        Objects.requireNonNull(projectId, "projectId");
        try {
            return new String(contract.evaluateTransaction(function, projectId.toString()),
                    StandardCharsets.UTF_8);
        } catch (GatewayException e) {
            GovernanceRefusedException refused = refusal(e);
            if (refused != null) {
                throw refused;
            }
            throw new GovernanceException("Fabric query " + function + " failed: " + describe(e),
                    projectId, e);
        }
    }

    /** The chaincode's refusal ({@code CODE project=<id>: ...}) in the gateway's error, or null. */
    static GovernanceRefusedException refusal(GatewayException e) {
        for (String message : GatewayConnection.messages(e)) {
            Matcher matcher = REFUSAL.matcher(message);
            if (matcher.find()) {
                UUID projectId = "null".equals(matcher.group(2)) ? null : UUID.fromString(matcher.group(2));
                return new GovernanceRefusedException(GovernanceRefusal.valueOf(matcher.group(1)), projectId,
                        message.substring(matcher.start()));
            }
        }
        return null;
    }
}
