package org.genovfl.party.peer;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.security.PeerAuthentication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Reachability between parties: the peer-facing greeting and the admin's view of every peer. */
@RestController
class PeerController {

    private final PartyProperties properties;
    private final PartyClient client;

    PeerController(PartyProperties properties, PartyClient client) {
        this.properties = properties;
        this.client = client;
    }

    @Operation(summary = "Greets an authenticated peer", description = "Caller: another party (mutual TLS).")
    @GetMapping("/peer/hello")
    PeerGreeting hello(PeerAuthentication caller) {
        return new PeerGreeting(properties.organisation(), properties.role(), caller.organisation());
    }

    @Operation(summary = "Calls every configured peer over mutual TLS and reports who answered, "
            + "with the traffic of this party's calls to each",
            description = "Role: PARTY_ADMIN or COORDINATOR.")
    @PreAuthorize("hasAnyRole('PARTY_ADMIN', 'COORDINATOR')")
    @GetMapping("/api/peers")
    List<PeerStatus> peers() {
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
