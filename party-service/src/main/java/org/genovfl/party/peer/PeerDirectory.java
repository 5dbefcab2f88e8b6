package org.genovfl.party.peer;

import java.util.List;
import org.genovfl.party.config.PartyProperties;
import org.springframework.stereotype.Component;

/**
 * Every configured peer as this party sees it right now: called over mutual TLS, with the
 * traffic of this party's calls to it. Shared by {@code GET /api/peers} and the admin's web page.
 */
@Component
public class PeerDirectory {

    private final PartyProperties properties;
    private final PartyClient client;

    PeerDirectory(PartyProperties properties, PartyClient client) {
        this.properties = properties;
        this.client = client;
    }

    public List<PeerStatus> statuses() {
        return properties.peers().stream().map(this::status).toList();
    }

    private PeerStatus status(PartyProperties.Peer peer) {
        PeerGreeting greeting = null;
        String problem;
        try {
            greeting = client.get(peer, "/peer/hello", PeerGreeting.class);
            boolean consistent = peer.organisation().equals(greeting.organisation())
                    && properties.organisation().equals(greeting.callerSeenAs());
            problem = consistent ? null : "peer answered with an unexpected identity";
        } catch (PeerCallException e) {
            problem = e.problem().getDetail();
        }
        PeerTraffic.Bytes traffic = client.traffic(peer.organisation());
        return new PeerStatus(peer.organisation(), peer.role(), peer.url(), problem == null,
                greeting == null ? null : greeting.organisation(), greeting == null ? null : greeting.callerSeenAs(),
                problem, traffic.sent(), traffic.received());
    }
}
