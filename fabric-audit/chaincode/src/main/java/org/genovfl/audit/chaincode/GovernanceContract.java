package org.genovfl.audit.chaincode;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.genovfl.audit.governance.GovernanceAction;
import org.genovfl.audit.governance.GovernanceRefusedException;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contact;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * The study lifecycle on channel {@code genovfl-audit}, a second contract of the audit
 * chaincode (clients call {@code genovfl-governance:<function>}). The caller is the
 * submitter's MSP, mapped through the organisation directory; the time is the
 * transaction's timestamp. Refusals carry the stable code as the payload and at the start
 * of the message: {@code STALE_HASH project=<id>: ...}. See docs/protocols/governance.md.
 */
@Contract(name = "genovfl-governance", info = @Info(title = "GenoVFL study governance", version = "1",
        description = "Study lifecycle: proposal, approval by each named party, suspension, closing",
        license = @License(name = "GPL-3.0-or-later"), contact = @Contact(name = "GenoVFL")))
public final class GovernanceContract implements ContractInterface {

    private final GovernanceChaincode chaincode = new GovernanceChaincode(OrganisationDirectory.fromEnvironment());

    /** The coordinator proposes the terms (GovernanceJson of StudyTerms); returns the study's status. */
    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String propose(Context ctx, String termsJson, String reason) {
        return call(() -> chaincode.propose(state(ctx), msp(ctx), ctx.getStub().getTxTimestamp(), termsJson, reason));
    }

    /** A named party approves the current terms, naming the specification hash it validated. */
    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String approve(Context ctx, String projectId, String specificationHash, String reason) {
        return call(() -> chaincode.approve(state(ctx), msp(ctx), ctx.getStub().getTxTimestamp(), projectId,
                specificationHash, reason));
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String suspend(Context ctx, String projectId, String reason) {
        return act(ctx, GovernanceAction.SUSPEND, projectId, reason);
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String resume(Context ctx, String projectId, String reason) {
        return act(ctx, GovernanceAction.RESUME, projectId, reason);
    }

    @Transaction(intent = Transaction.TYPE.SUBMIT)
    public String close(Context ctx, String projectId, String reason) {
        return act(ctx, GovernanceAction.CLOSE, projectId, reason);
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String getStudy(Context ctx, String projectId) {
        return call(() -> chaincode.study(state(ctx), projectId));
    }

    @Transaction(intent = Transaction.TYPE.EVALUATE)
    public String getHistory(Context ctx, String projectId) {
        return call(() -> chaincode.history(state(ctx), projectId));
    }

    private String act(Context ctx, GovernanceAction action, String projectId, String reason) {
        return call(() -> chaincode.act(state(ctx), action, msp(ctx), ctx.getStub().getTxTimestamp(), projectId, reason));
    }

    private static WorldState state(Context ctx) {
        return new StubWorldState(ctx.getStub());
    }

    private static String msp(Context ctx) {
        return ctx.getClientIdentity().getMSPID();
    }

    private static String call(Supplier<String> transaction) {
        try {
            return transaction.get();
        } catch (GovernanceRefusedException e) {
            String code = e.refusal().name();
            throw new ChaincodeException(code + " project=" + e.projectId() + ": " + e.getMessage(),
                    code.getBytes(StandardCharsets.UTF_8));
        }
    }
}
