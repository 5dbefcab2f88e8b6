package org.genovfl.audit.fabric;

import static org.genovfl.audit.fabric.GatewayConnection.describe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditException;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.hyperledger.fabric.client.CommitException;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.client.SubmitException;

/**
 * The audit ledger on the Fabric channel {@code genovfl-audit}, through the peer's gateway
 * service (fabric-gateway). A batch of events is one transaction of the chaincode's
 * {@code appendEvents}, so the outbox's batching is what gives throughput: one event per
 * transaction would wait for a block per event of a stream.
 *
 * <pre>{@code
 * try (FabricAuditLedger ledger = FabricAuditLedger.connect(FabricConnection.fromProperties(file))) {
 *     ledger.appendAll(events);
 *     List<AuditEvent> trail = ledger.byProject(projectId);
 * }
 * }</pre>
 *
 * <p>Errors: a refusal by the chaincode becomes an {@link AuditRefusedException} with the
 * chaincode's stable code; anything else (peer down, timeout, an invalidated transaction)
 * an {@link AuditException} after which the same batch may simply be sent again, since the
 * chaincode records an event id once.
 */
public final class FabricAuditLedger implements AuditLedger, AutoCloseable {

    private static final Pattern REFUSAL = Pattern.compile(
            "\\b(" + Stream.of(AuditRefusal.values()).map(Enum::name).collect(Collectors.joining("|"))
                    + ") event=([0-9a-f-]{36}|null)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The chaincode's own limit (AuditChaincode.MAX_BATCH in the chaincode module). */
    static final int MAX_EVENTS_PER_TRANSACTION = 500;
    /** Transactions of different streams in flight at once; the gateway's gRPC channel multiplexes them. */
    static final int CONCURRENT_TRANSACTIONS = 8;

    private final GatewayConnection gateway;
    private final Network network;
    private final Contract contract;

    private FabricAuditLedger(GatewayConnection gateway, Contract contract) {
        this.gateway = gateway;
        this.network = gateway.network();
        this.contract = contract;
    }

    /**
     * Connects to the peer named in {@code connection}. The gRPC connection is made lazily,
     * so this succeeds while the peer is down; calls then fail with {@link AuditException}.
     *
     * @throws IllegalArgumentException if a certificate or key file cannot be read
     */
    public static FabricAuditLedger connect(FabricConnection connection) {
        GatewayConnection gateway = GatewayConnection.open(connection);
        return new FabricAuditLedger(gateway, gateway.network().getContract(connection.chaincode()));
    }

    /** How many blocks the channel holds, as this identity's peer sees it (system chaincode qscc). */
    long channelHeight() {
        try {
            return BlockchainInfo.parseFrom(network.getContract("qscc")
                    .evaluateTransaction("GetChainInfo", network.getName())).getHeight();
        } catch (GatewayException | InvalidProtocolBufferException e) {
            throw new AuditException("Fabric query of the channel height failed: " + e.getMessage(), null, e);
        }
    }

    /** Block {@code number} of the channel, as this identity's peer stores it. */
    Block block(long number) {
        try {
            return Block.parseFrom(network.getContract("qscc")
                    .evaluateTransaction("GetBlockByNumber", network.getName(), Long.toString(number)));
        } catch (GatewayException | InvalidProtocolBufferException e) {
            throw new AuditException("Fabric query of block " + number + " failed: " + e.getMessage(), null, e);
        }
    }

    /** The chaincode as this identity sees it: for tests that must build a transaction the ledger never would. */
    Contract contract() {
        return contract;
    }

    /** Submits the batch as one transaction; on a refusal, first records the events before the refused one. */
    @Override
    public void appendAll(List<AuditEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return;
        }
        AuditRefusedException refused = submit(events);
        if (refused == null) {
            return;
        }
        int index = indexOf(events, refused.eventId());
        if (index > 0) {
            AuditRefusedException prefixRefused = submit(events.subList(0, index));
            if (prefixRefused != null) {
                throw prefixRefused;
            }
        }
        throw refused;
    }

    /** The chaincode refuses a transaction of more events (AuditChaincode.MAX_BATCH). */
    @Override
    public int maxBatch() {
        return MAX_EVENTS_PER_TRANSACTION;
    }

    /**
     * The chaincode reads and writes only the keys of a batch's own stream and events, so
     * transactions of different streams never conflict (no MVCC read conflict) and can be
     * endorsed, ordered and committed side by side: what lets a backlog drain faster than one
     * transaction per block interval.
     */
    @Override
    public int concurrentStreams() {
        return CONCURRENT_TRANSACTIONS;
    }

    @Override
    public List<AuditEvent> byProject(UUID projectId) {
        return evaluate("queryByProject", projectId.toString());
    }

    @Override
    public List<AuditEvent> byArtifactHash(String sha256) {
        return evaluate("queryByArtifactHash", sha256);
    }

    /** Every event of {@code type}, in time order. */
    public List<AuditEvent> byType(AuditEventType type) {
        return evaluate("queryByType", type.name());
    }

    /** Events that occurred in {@code [from, to)}, in time order. */
    public List<AuditEvent> byTimeRange(Instant from, Instant to) {
        return evaluate("queryByTimeRange", from.toString(), to.toString());
    }

    @Override
    public void close() {
        gateway.close();
    }

    /** Returns the chaincode's refusal, or null when the batch committed. */
    private AuditRefusedException submit(List<AuditEvent> events) {
        String batch = events.stream().map(AuditEventJson::toJson).collect(Collectors.joining(",", "[", "]"));
        UUID first = events.get(0).eventId();
        try {
            contract.submitTransaction("appendEvents", batch);
            return null;
        } catch (EndorseException e) {
            AuditRefusedException refused = refusal(e);
            if (refused != null) {
                return refused;
            }
            throw new AuditException("Fabric endorsement failed (" + e.getStatus().getCode() + "): " + describe(e),
                    first, e);
        } catch (SubmitException e) {
            throw new AuditException("Fabric orderer did not accept the transaction: " + describe(e), first, e);
        } catch (CommitStatusException e) {
            throw new AuditException("Fabric commit status unknown: " + describe(e), first, e);
        } catch (CommitException e) {
            throw new AuditException("Fabric transaction " + e.getTransactionId() + " invalidated: " + e.getCode(),
                    first, e);
        }
    }

    private List<AuditEvent> evaluate(String function, String... arguments) {
        byte[] result;
        try {
            result = contract.evaluateTransaction(function, arguments);
        } catch (GatewayException e) {
            throw new AuditException("Fabric query " + function + " failed: " + describe(e), null, e);
        }
        try {
            List<AuditEvent> events = new ArrayList<>();
            for (JsonNode node : JSON.readTree(new String(result, StandardCharsets.UTF_8))) {
                events.add(AuditEventJson.fromJson(node.toString()));
            }
            return events;
        } catch (JsonProcessingException e) {
            throw new AuditException("Fabric query " + function + " returned malformed JSON", null, e);
        }
    }

    static AuditRefusedException refusal(GatewayException e) {
        for (String message : GatewayConnection.messages(e)) {
            Matcher matcher = REFUSAL.matcher(message);
            if (matcher.find()) {
                UUID eventId = "null".equals(matcher.group(2)) ? null : UUID.fromString(matcher.group(2));
                return new AuditRefusedException(AuditRefusal.valueOf(matcher.group(1)), message, eventId);
            }
        }
        return null;
    }

    private static int indexOf(List<AuditEvent> events, UUID eventId) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).eventId().equals(eventId)) {
                return i;
            }
        }
        return -1;
    }
}
