package org.genovfl.party.peer;

import java.util.List;
import java.util.Map;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;

/**
 * How a protocol's driver reads another party's refusal, shared by training and GWAS: as the
 * reason of a run that cannot go on, or, while a person's request is still being answered, as
 * that request's problem naming the field the party named.
 */
public final class PeerRefusals {

    private PeerRefusals() {
    }

    /** A failed peer call as a run's reason: 409 out of order, 403 wrong sender, 5xx peer failure, other 4xx bad data. */
    public static ProtocolRunException.Reason reasonOf(PeerCallException e) {
        int status = e.problem().getStatus();
        return status == 409 ? ProtocolRunException.Reason.OUT_OF_ORDER
                : status >= 500 ? ProtocolRunException.Reason.PEER_FAILURE
                : status == 403 ? ProtocolRunException.Reason.WRONG_SENDER
                : ProtocolRunException.Reason.BAD_DATA;
    }

    /**
     * A data holder's refusal of a preflight as the person's request's problem: the same status
     * (400, 404, 409, 422) and the field the data holder named (else {@code defaultPointer});
     * any other failure unchanged.
     */
    public static RuntimeException asRequestProblem(String holder, PeerCallException e, String defaultPointer) {
        int status = e.problem().getStatus();
        if (status == 404 || status == 409 || status == 422 || status == 400) {
            String pointer = defaultPointer;
            Object errors = e.problem().getProperties() == null ? null : e.problem().getProperties().get("errors");
            if (errors instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first
                    && first.get("pointer") instanceof String p) {
                pointer = p;
            }
            return new InvalidFieldException(HttpStatus.valueOf(status), pointer, holder + ": " + e.problem().getDetail());
        }
        return e;
    }
}
