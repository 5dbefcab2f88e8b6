package org.genovfl.party.psi;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.security.PeerAuthentication;
import org.genovfl.psi.BlindedChunkCodec;
import org.genovfl.psi.JointCohortMessages.JointCohortAcceptance;
import org.genovfl.psi.JointCohortMessages.JointCohortProposal;
import org.genovfl.psi.PsiException;
import org.genovfl.psi.PsiMessages.Acceptance;
import org.genovfl.psi.PsiMessages.Completion;
import org.genovfl.psi.PsiMessages.Confirmation;
import org.genovfl.psi.PsiMessages.Invitation;
import org.genovfl.psi.PsiMessages.RunState;
import org.genovfl.psi.PsiMessages.Stage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Peer API of PSI, called by the initiating party over mutual TLS; the order of the calls
 * is the protocol of {@link org.genovfl.psi.PsiMessages}. Each call may come only from the
 * organisation that opened the run.
 */
@RestController
class PsiPeerController {

    private final PsiService psi;
    private final JointCohortService joint;

    PsiPeerController(PsiService psi, JointCohortService joint) {
        this.psi = psi;
        this.joint = joint;
    }

    @Operation(summary = "Opens a PSI run (Invitation → Acceptance)", description = "Caller: hospital or lab (mutual TLS).")
    @PostMapping(PsiPeerCalls.PEER_BASE)
    Acceptance invite(@RequestBody Invitation invitation, PeerAuthentication caller) {
        return psi.accept(caller.organisation(), caller.role(), invitation);
    }

    @Operation(summary = "Exchanges singly blinded sets: the caller's streamed in, ours streamed back",
            description = "Body and answer: " + BlindedChunkCodec.MEDIA_TYPE + " frames.")
    @PostMapping(path = PsiPeerCalls.PEER_BASE + "/{runId}/singles", consumes = BlindedChunkCodec.MEDIA_TYPE)
    void singles(@PathVariable UUID runId, PeerAuthentication caller, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        exchange(runId, Stage.SINGLY_BLINDED, caller, request, response);
    }

    @Operation(summary = "Exchanges doubly blinded sets: ours blinded by the caller in, the caller's blinded by us back",
            description = "Body and answer: " + BlindedChunkCodec.MEDIA_TYPE + " frames.")
    @PostMapping(path = PsiPeerCalls.PEER_BASE + "/{runId}/doubles", consumes = BlindedChunkCodec.MEDIA_TYPE)
    void doubles(@PathVariable UUID runId, PeerAuthentication caller, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        exchange(runId, Stage.DOUBLY_BLINDED, caller, request, response);
    }

    @Operation(summary = "Compares confirmations and completes the run (Confirmation → Confirmation)")
    @PostMapping(PsiPeerCalls.PEER_BASE + "/{runId}/confirmation")
    Confirmation confirm(@PathVariable UUID runId, @RequestBody Confirmation confirmation, PeerAuthentication caller) {
        if (!runId.equals(confirmation.runId())) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, "confirmation of another run");
        }
        return psi.confirm(caller.organisation(), confirmation);
    }

    @Operation(summary = "The initiator completed the run (Completion → RunState): our confirmed cohort becomes usable",
            description = "Idempotent.")
    @PostMapping(PsiPeerCalls.PEER_BASE + "/{runId}/completion")
    RunState complete(@PathVariable UUID runId, @RequestBody Completion completion, PeerAuthentication caller) {
        if (!runId.equals(completion.runId())) {
            throw new PsiException(runId, PsiException.Reason.PROTOCOL_VIOLATION, "completion of another run");
        }
        return psi.completeConfirmed(caller.organisation(), completion);
    }

    @Operation(summary = "Where the run stands here (RunState), for the run's peer only")
    @GetMapping(PsiPeerCalls.PEER_BASE + "/{runId}")
    RunState state(@PathVariable UUID runId, PeerAuthentication caller) {
        return psi.state(caller.organisation(), runId);
    }

    @Operation(summary = "The initiator gave up the run")
    @PostMapping(PsiPeerCalls.PEER_BASE + "/{runId}/abort")
    Map<String, String> abort(@PathVariable UUID runId, @RequestBody Map<String, String> body, PeerAuthentication caller) {
        psi.abort(caller.organisation(), runId, body.get("reason"));
        return Map.of("status", "FAILED");
    }

    @Operation(summary = "Proposes a joint cohort over the caller's completed run with us "
            + "(JointCohortProposal → JointCohortAcceptance)",
            description = "Caller: the hospital of the source run. Idempotent. The joint run then completes, aborts "
                    + "and is asked about through " + PsiPeerCalls.PEER_BASE + "/{jointRunId}/..., as a PSI run.")
    @PostMapping(JointCohortService.PEER_PATH)
    JointCohortAcceptance proposeJointCohort(@RequestBody JointCohortProposal proposal, PeerAuthentication caller) {
        return joint.accept(caller.organisation(), caller.role(), proposal);
    }

    private void exchange(UUID runId, Stage stage, PeerAuthentication caller, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        psi.exchangeAsResponder(caller.organisation(), runId, stage, request.getInputStream(),
                new LazyOutput(response));
    }

    @ExceptionHandler(PsiException.class)
    ProblemDetail failed(PsiException e) {
        HttpStatus status = switch (e.reason()) {
            case INVALID_POINT, PROTOCOL_VIOLATION -> HttpStatus.UNPROCESSABLE_ENTITY;
            case RESULT_MISMATCH, LOCAL_FAILURE -> HttpStatus.CONFLICT;
            case PEER_FAILURE -> HttpStatus.BAD_GATEWAY;
        };
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle("PSI run failed");
        problem.setProperty("runId", e.runId());
        problem.setProperty("reason", e.reason().name());
        return problem;
    }

    /**
     * Opens the response stream only when the first byte is written, so a failure while
     * reading the caller's stream can still answer with a problem detail.
     */
    private static final class LazyOutput extends java.io.OutputStream {
        private final HttpServletResponse response;
        private java.io.OutputStream out;

        LazyOutput(HttpServletResponse response) {
            this.response = response;
        }

        private java.io.OutputStream out() throws IOException {
            if (out == null) {
                response.setContentType(BlindedChunkCodec.MEDIA_TYPE);
                out = response.getOutputStream();
            }
            return out;
        }

        @Override
        public void write(int b) throws IOException {
            out().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out().flush();
        }
    }
}
