package org.genovfl.audit.chaincode;

import java.nio.charset.StandardCharsets;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contact;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * The audit chaincode of channel {@code genovfl-audit}. Errors carry a stable code both as the
 * payload and at the start of the message ({@code SEQUENCE_GAP event=<id>: ...}), since
 * Fabric's gateway passes clients the message only.
 */
@Contract(name = "genovfl-audit", info = @Info(title = "GenoVFL audit trail", version = "1",
        description = "Study steps of GenoVFL projects: hashes and counts only, never personal data",
        license = @License(name = "GPL-3.0-or-later"), contact = @Contact(name = "GenoVFL")))
@Default
public final class AuditContract implements ContractInterface {

    private final AuditChaincode chaincode = new AuditChaincode(OrganisationDirectory.fromEnvironment());

    /** Appends a JSON array of events (see {@code AuditEventJson}); all or nothing. */
    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String appendEvents(Context ctx, String eventsJson) {
        try {
            return chaincode.appendEvents(new StubWorldState(ctx.getStub()), ctx.getClientIdentity().getMSPID(), eventsJson)
                    .toJson();
        } catch (AuditRefusedException e) {
            throw refused(e.refusal(), e.eventId() + ": " + e.getMessage());
        }
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String getEvent(Context ctx, String eventId) {
        return query(() -> chaincode.event(new StubWorldState(ctx.getStub()), eventId));
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String queryByProject(Context ctx, String projectId) {
        return query(() -> chaincode.byProject(new StubWorldState(ctx.getStub()), projectId));
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String queryByType(Context ctx, String type) {
        return query(() -> chaincode.byType(new StubWorldState(ctx.getStub()), type));
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String queryByArtifactHash(Context ctx, String sha256) {
        return query(() -> chaincode.byArtifactHash(new StubWorldState(ctx.getStub()), sha256));
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String queryByTimeRange(Context ctx, String fromInclusive, String toExclusive) {
        return query(() -> chaincode.byTimeRange(new StubWorldState(ctx.getStub()), fromInclusive, toExclusive));
    }

    private static String query(java.util.function.Supplier<String> query) {
        try {
            return query.get();
        } catch (IllegalArgumentException e) {
            throw new ChaincodeException("BAD_QUERY event=null: " + e.getMessage(),
                    "BAD_QUERY".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static ChaincodeException refused(AuditRefusal refusal, String detail) {
        return new ChaincodeException(refusal.name() + " event=" + detail, refusal.name().getBytes(StandardCharsets.UTF_8));
    }
}
