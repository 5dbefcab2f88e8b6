package org.genovfl.party.psi;

import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** This party's PSI runs, newest first, as the people API shows each one (sizes, never ids). */
@Component
public class PsiRunHistory {

    private final PsiRunStore store;
    private final PsiService psi;

    PsiRunHistory(PsiRunStore store, PsiService psi) {
        this.store = store;
        this.psi = psi;
    }

    /** The latest {@code limit} runs, each with its live progress if it is still running. */
    public List<PsiRunView> latest(int limit) {
        return store.latestRunIds(limit).stream().map(psi::find).flatMap(java.util.Optional::stream).toList();
    }

    /** The peer organisation of a run, if it has one registered here. */
    public java.util.Optional<String> peerOf(UUID runId) {
        return store.peerOrganisation(runId);
    }
}
