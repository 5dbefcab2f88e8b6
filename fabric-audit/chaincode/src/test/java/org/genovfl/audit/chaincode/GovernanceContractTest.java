package org.genovfl.audit.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V1;
import static org.genovfl.audit.governance.GovernanceFixtures.HASH_V2;
import static org.genovfl.audit.governance.GovernanceFixtures.terms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.genovfl.audit.governance.GovernanceJson;
import org.genovfl.audit.governance.GovernanceRecord;
import org.genovfl.audit.governance.StudyState;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.junit.jupiter.api.Test;

/**
 * The governance contract as the shim calls it: a {@link Context} over a test double of
 * {@link ChaincodeStub} that holds the world state, the transaction's timestamp and the
 * creator (a serialized identity: MSP id and certificate, parsed by the shim's own
 * {@code ClientIdentity}). Shows what GovernanceChaincodeTest cannot: the caller comes
 * from the creator's MSP, the time from the transaction, and refusals reach the client as
 * {@code CODE project=<id>: ...} with the code as payload. The environment gives this JVM
 * no organisation directory, so each organisation is named by its MSP id.
 */
class GovernanceContractTest {

    static final String COORDINATOR_MSP = "GenoVFL Study Coordination";
    static final String HOSPITAL_MSP = "St Ada University Hospital";
    static final String LAB_MSP = "Helix Sequencing Lab";

    final CommittedState ledger = new CommittedState();
    final GovernanceContract contract = new GovernanceContract();
    final UUID project = UUID.randomUUID();

    /** One transaction submitted by a client of {@code msp} at {@code time}; its writes commit only if it returns. */
    String submit(String msp, Instant time, Function<Context, String> transaction) {
        return ledger.transaction(state -> transaction.apply(new Context(stub(state, msp, time))));
    }

    @Test
    void theCallerIsTheCreatorsMspAndTheTimeIsTheTransactionsTimestamp() {
        Instant proposedAt = Instant.parse("2026-12-04T03:00:00.123456789Z");
        String status = submit(COORDINATOR_MSP, proposedAt, ctx -> contract.propose(ctx,
                GovernanceJson.toJson(terms(project, HASH_V1)), "protocol agreed"));
        assertThat(GovernanceJson.statusFromJson(status).state()).isEqualTo(StudyState.PROPOSED);
        submit(HOSPITAL_MSP, proposedAt.plusSeconds(60), ctx -> contract.approve(ctx, project.toString(), HASH_V1,
                "validated"));
        String active = submit(LAB_MSP, proposedAt.plusSeconds(120), ctx -> contract.approve(ctx, project.toString(),
                HASH_V1, "validated"));
        assertThat(GovernanceJson.statusFromJson(active).state()).isEqualTo(StudyState.ACTIVE);

        String study = ledger.read(state -> contract.getStudy(new Context(stub(state, LAB_MSP, proposedAt)),
                project.toString()));
        assertThat(study).isEqualTo(active);
        List<GovernanceRecord> history = GovernanceJson.historyFromJson(ledger.read(state -> contract.getHistory(
                new Context(stub(state, LAB_MSP, proposedAt)), project.toString())));
        assertThat(history).extracting(r -> r.request().actor().organisation())
                .containsExactly(COORDINATOR_MSP, HOSPITAL_MSP, LAB_MSP);
        assertThat(history).extracting(r -> r.request().at())
                .containsExactly(proposedAt, proposedAt.plusSeconds(60), proposedAt.plusSeconds(120));
    }

    @Test
    void aRefusalReachesTheClientAsItsCodeAndWritesNothing() {
        Instant now = Instant.parse("2026-12-04T03:00:00Z");
        submit(COORDINATOR_MSP, now, ctx -> contract.propose(ctx, GovernanceJson.toJson(terms(project, HASH_V1)),
                "protocol agreed"));
        Map<String, String> before = Map.copyOf(ledger.committed);
        assertThatThrownBy(() -> submit(HOSPITAL_MSP, now, ctx -> contract.approve(ctx, project.toString(), HASH_V2,
                "validated")))
                .isInstanceOfSatisfying(ChaincodeException.class, e -> {
                    assertThat(e.getMessage()).startsWith("STALE_HASH project=" + project + ": ");
                    assertThat(new String(e.getPayload(), StandardCharsets.UTF_8)).isEqualTo("STALE_HASH");
                });
        assertThatThrownBy(() -> submit(LAB_MSP, now, ctx -> contract.close(ctx, project.toString(), "not mine")))
                .isInstanceOfSatisfying(ChaincodeException.class,
                        e -> assertThat(e.getMessage()).startsWith("WRONG_IDENTITY project=" + project + ": "));
        assertThatThrownBy(() -> submit(LAB_MSP, now, ctx -> contract.suspend(ctx, "Jane Doe", "bad id")))
                .isInstanceOfSatisfying(ChaincodeException.class, e -> {
                    assertThat(e.getMessage()).startsWith("INVALID_REQUEST project=null: ").doesNotContain("Jane");
                    assertThat(new String(e.getPayload(), StandardCharsets.UTF_8)).isEqualTo("INVALID_REQUEST");
                });
        assertThatThrownBy(() -> ledger.read(state -> contract.getStudy(new Context(stub(state, LAB_MSP, now)),
                UUID.randomUUID().toString())))
                .isInstanceOfSatisfying(ChaincodeException.class,
                        e -> assertThat(e.getMessage()).startsWith("UNKNOWN_PROJECT project="));
        assertThat(ledger.committed).isEqualTo(before);
    }

    /** A ChaincodeStub answering only what the contract and the shim's ClientIdentity use. */
    static ChaincodeStub stub(WorldState state, String msp, Instant timestamp) {
        byte[] creator = serializedIdentity(msp, certificatePem());
        return (ChaincodeStub) Proxy.newProxyInstance(ChaincodeStub.class.getClassLoader(),
                new Class<?>[] {ChaincodeStub.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "getCreator" -> creator;
                    case "getTxTimestamp" -> timestamp;
                    case "getTxId" -> "tx-" + timestamp.toEpochMilli();
                    case "getStringState" -> {
                        String value = state.get((String) arguments[0]);
                        yield value == null ? "" : value;
                    }
                    case "putStringState" -> {
                        state.put((String) arguments[0], (String) arguments[1]);
                        yield null;
                    }
                    case "getStateByRange" -> results(state.range((String) arguments[0], (String) arguments[1]));
                    case "toString" -> "test stub of " + msp;
                    default -> throw new UnsupportedOperationException("the test stub does not offer " + method.getName());
                });
    }

    private static QueryResultsIterator<KeyValue> results(List<Map.Entry<String, String>> entries) {
        return new QueryResultsIterator<>() {
            @Override
            public Iterator<KeyValue> iterator() {
                return entries.stream().<KeyValue>map(entry -> new KeyValue() {
                    @Override
                    public String getKey() {
                        return entry.getKey();
                    }

                    @Override
                    public byte[] getValue() {
                        return entry.getValue().getBytes(StandardCharsets.UTF_8);
                    }

                    @Override
                    public String getStringValue() {
                        return entry.getValue();
                    }
                }).iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    /** Fabric's SerializedIdentity protobuf: field 1 the MSP id, field 2 the PEM certificate. */
    private static byte[] serializedIdentity(String msp, byte[] certificatePem) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 1, msp.getBytes(StandardCharsets.UTF_8));
        field(out, 2, certificatePem);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        out.write(number << 3 | 2);
        int length = bytes.length;
        while (length >= 0x80) {
            out.write(length & 0x7f | 0x80);
            length >>>= 7;
        }
        out.write(length);
        out.writeBytes(bytes);
    }

    /** A client certificate (openssl, valid until 2126); the shim reads it but checks no signature. */
    private static byte[] certificatePem() {
        try (InputStream in = GovernanceContractTest.class.getResourceAsStream("/client-identity.pem")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
