package org.genovfl.audit.fabric;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * The whole audit channel read block by block through one peer (the regulator's own), as a
 * regulator checks it: every recorded event with the block and transaction that hold it, the
 * organisations that endorsed it and when it was ordered; and the channel's integrity: each
 * block's data hash, each block's link to the previous block's header, each endorsement's
 * signature, and that every valid event transaction was endorsed by at least
 * {@link #REQUIRED_ENDORSING_ORGANISATIONS} party organisations.
 *
 * <p>Not checked here: that each endorser's certificate chains to its organisation's CA in
 * the channel configuration (the peer's validation did that before marking the transaction
 * valid).
 */
public final class ChannelTrail {

    /** The endorsement policy {@code OutOf(2, Hospital, Lab, Coordinator)}. */
    static final int REQUIRED_ENDORSING_ORGANISATIONS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One valid transaction of the audit chaincode and the events it recorded.
     *
     * @param orderedAt the transaction's timestamp (set by the submitting client, checked by the peers)
     */
    public record Entry(long blockNumber, String transactionId, Instant orderedAt, Set<String> endorsingOrganisations,
            List<AuditEvent> events) {
    }

    /**
     * @param blocks blocks checked (0 .. blocks-1)
     * @param transactions endorser transactions checked
     * @param invalidated transactions the peers marked invalid (recorded nothing; e.g. too few endorsements)
     * @param problems what is wrong, one line each; empty if the channel is intact
     */
    public record Integrity(long blocks, long transactions, long invalidated, List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private final List<Entry> entries;
    private final Integrity integrity;

    private ChannelTrail(List<Entry> entries, Integrity integrity) {
        this.entries = List.copyOf(entries);
        this.integrity = integrity;
    }

    /** Every valid audit transaction that recorded an event, in block order, with the events it recorded. */
    public List<Entry> entries() {
        return entries;
    }

    public Integrity integrity() {
        return integrity;
    }

    /** Every event on the channel, in block order. */
    public List<AuditEvent> events() {
        return entries.stream().flatMap(e -> e.events().stream()).toList();
    }

    /**
     * Reads every block through {@code ledger}'s peer. Blocks the peer stores are read as they
     * are, so a block altered on that peer's disk shows up as a broken hash link.
     *
     * @param partyMsps MSP ids whose endorsements count towards the policy
     */
    public static ChannelTrail read(FabricAuditLedger ledger, String chaincode, Set<String> partyMsps) {
        long height = ledger.channelHeight();
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long transactions = 0;
        long invalidated = 0;
        byte[] previousHeaderHash = null;
        Map<UUID, AuditEvent> recorded = new HashMap<>();
        for (long number = 0; number < height; number++) {
            Block block = ledger.block(number);
            BlockHeader header = block.getHeader();
            if (header.getNumber() != number) {
                problems.add("block " + number + " carries number " + header.getNumber());
            }
            if (!Arrays.equals(header.getDataHash().toByteArray(), dataHash(block))) {
                problems.add("block " + number + ": its data does not hash to the header's data hash");
            }
            if (previousHeaderHash != null && !Arrays.equals(header.getPreviousHash().toByteArray(), previousHeaderHash)) {
                problems.add("block " + number + ": previous hash does not match block " + (number - 1) + "'s header");
            }
            previousHeaderHash = headerHash(header);
            byte[] flags = block.getMetadata().getMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE).toByteArray();
            for (int i = 0; i < block.getData().getDataCount(); i++) {
                try {
                    Payload payload = Payload.parseFrom(Envelope.parseFrom(block.getData().getData(i)).getPayload());
                    ChannelHeader channelHeader = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
                    if (channelHeader.getType() != HeaderType.ENDORSER_TRANSACTION_VALUE) {
                        continue;
                    }
                    transactions++;
                    boolean valid = i < flags.length && flags[i] == TxValidationCode.VALID_VALUE;
                    if (!valid) {
                        invalidated++;
                        continue;
                    }
                    Entry entry = entry(number, channelHeader, Transaction.parseFrom(payload.getData()), chaincode,
                            partyMsps, problems);
                    if (entry != null) {
                        entry = firstRecords(entry, recorded, problems);
                    }
                    if (entry != null) {
                        entries.add(entry);
                    }
                } catch (InvalidProtocolBufferException | JsonProcessingException e) {
                    problems.add("block " + number + " transaction " + i + " cannot be read: " + e.getMessage());
                }
            }
        }
        return new ChannelTrail(entries, new Integrity(height, transactions, invalidated, problems));
    }

    private static Entry entry(long number, ChannelHeader channelHeader, Transaction transaction, String chaincode,
            Set<String> partyMsps, List<String> problems) throws InvalidProtocolBufferException, JsonProcessingException {
        List<AuditEvent> events = new ArrayList<>();
        Set<String> endorsers = new TreeSet<>();
        boolean audit = false;
        for (TransactionAction action : transaction.getActionsList()) {
            ChaincodeActionPayload actionPayload = ChaincodeActionPayload.parseFrom(action.getPayload());
            ChaincodeInvocationSpec invocation = ChaincodeInvocationSpec.parseFrom(
                    ChaincodeProposalPayload.parseFrom(actionPayload.getChaincodeProposalPayload()).getInput());
            List<ByteString> arguments = invocation.getChaincodeSpec().getInput().getArgsList();
            String function = arguments.isEmpty() ? "" : arguments.get(0).toStringUtf8();
            if (!invocation.getChaincodeSpec().getChaincodeId().getName().equals(chaincode)
                    || !(function.equals("appendEvents") || function.endsWith(":appendEvents"))) {
                continue;
            }
            audit = true;
            ChaincodeEndorsedAction endorsed = actionPayload.getAction();
            for (Endorsement endorsement : endorsed.getEndorsementsList()) {
                SerializedIdentity endorser = SerializedIdentity.parseFrom(endorsement.getEndorser());
                if (signatureHolds(endorsed.getProposalResponsePayload(), endorsement, endorser)) {
                    endorsers.add(endorser.getMspid());
                } else {
                    problems.add("block " + number + " transaction " + channelHeader.getTxId()
                            + ": an endorsement of " + endorser.getMspid() + " does not verify");
                }
            }
            for (JsonNode node : JSON.readTree(arguments.get(1).toStringUtf8())) {
                events.add(AuditEventJson.fromJson(node.toString()));
            }
        }
        if (!audit) {
            return null;
        }
        long parties = endorsers.stream().filter(partyMsps::contains).count();
        if (parties < REQUIRED_ENDORSING_ORGANISATIONS) {
            problems.add("block " + number + " transaction " + channelHeader.getTxId() + " is valid with "
                    + parties + " party endorsement(s), the policy needs " + REQUIRED_ENDORSING_ORGANISATIONS);
        }
        Instant orderedAt = Instant.ofEpochSecond(channelHeader.getTimestamp().getSeconds(),
                channelHeader.getTimestamp().getNanos());
        return new Entry(number, channelHeader.getTxId(), orderedAt, endorsers, events);
    }

    /**
     * The chaincode records an event id once: a later valid transaction carrying the same event
     * (a relay's retry) recorded nothing. Returns the entry with only its first records, or null.
     */
    private static Entry firstRecords(Entry entry, Map<UUID, AuditEvent> recorded, List<String> problems) {
        List<AuditEvent> first = new ArrayList<>();
        for (AuditEvent event : entry.events()) {
            AuditEvent earlier = recorded.putIfAbsent(event.eventId(), event);
            if (earlier == null) {
                first.add(event);
            } else if (!earlier.equals(event)) {
                problems.add("block " + entry.blockNumber() + " transaction " + entry.transactionId()
                        + " carries event " + event.eventId() + " with content other than its first record");
            }
        }
        return first.isEmpty() ? null : new Entry(entry.blockNumber(), entry.transactionId(), entry.orderedAt(),
                entry.endorsingOrganisations(), first);
    }

    /** An endorsement signs the proposal response payload followed by the endorser's identity. */
    private static boolean signatureHolds(ByteString proposalResponsePayload, Endorsement endorsement,
            SerializedIdentity endorser) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(endorser.getIdBytes().toByteArray()));
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initVerify(certificate.getPublicKey());
            signature.update(proposalResponsePayload.toByteArray());
            signature.update(endorsement.getEndorser().toByteArray());
            return signature.verify(endorsement.getSignature().toByteArray());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Fabric's block data hash: SHA-256 over the concatenated transaction envelopes. */
    static byte[] dataHash(Block block) {
        MessageDigest sha256 = sha256();
        block.getData().getDataList().forEach(data -> sha256.update(data.toByteArray()));
        return sha256.digest();
    }

    /** Fabric's block header hash: SHA-256 of DER SEQUENCE {INTEGER number, OCTET STRING previous, OCTET STRING data}. */
    static byte[] headerHash(BlockHeader header) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        der(body, 0x02, BigInteger.valueOf(header.getNumber()).toByteArray());
        der(body, 0x04, header.getPreviousHash().toByteArray());
        der(body, 0x04, header.getDataHash().toByteArray());
        ByteArrayOutputStream sequence = new ByteArrayOutputStream();
        der(sequence, 0x30, body.toByteArray());
        return sha256().digest(sequence.toByteArray());
    }

    private static void der(ByteArrayOutputStream out, int tag, byte[] content) {
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] digits = BigInteger.valueOf(length).toByteArray();
            int skip = digits[0] == 0 ? 1 : 0;
            out.write(0x80 | (digits.length - skip));
            out.write(digits, skip, digits.length - skip);
        }
        out.writeBytes(content);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ChannelTrail[" + entries.size() + " audit transactions, " + integrity + "]";
    }
}
