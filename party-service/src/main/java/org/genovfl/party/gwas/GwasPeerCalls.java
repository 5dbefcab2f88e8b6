package org.genovfl.party.gwas;

import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.peer.PeerRefusals;
import org.springframework.stereotype.Component;

/** A GWAS message to another party's peer API; its refusal keeps its reason ({@link PeerRefusals#reasonOf}). */
@Component
class GwasPeerCalls {

    private final PartyProperties properties;
    private final PartyClient client;

    GwasPeerCalls(PartyProperties properties, PartyClient client) {
        this.properties = properties;
        this.client = client;
    }

    /** POSTs {@code body} to {@code /peer/gwas/scans/{scanId}/{step}} at {@code organisation}. */
    <T> T call(UUID scanId, String organisation, String step, Object body, Class<T> answer) {
        return post(scanId, organisation, DataHolderGwas.PEER_BASE + scanId + "/" + step, body, answer);
    }

    <T> T post(UUID scanId, String organisation, String path, Object body, Class<T> answer) {
        PartyProperties.Peer peer = properties.peer(organisation).orElseThrow(() -> new GwasScanException(scanId,
                GwasScanException.Reason.BAD_DATA, organisation + " is not a configured peer"));
        try {
            return client.post(peer, path, body, answer);
        } catch (PeerCallException e) {
            throw new GwasScanException(scanId, PeerRefusals.reasonOf(e), path.substring(path.lastIndexOf('/') + 1)
                    + " at " + organisation + " failed: " + e.problem().getDetail(), e);
        }
    }
}
