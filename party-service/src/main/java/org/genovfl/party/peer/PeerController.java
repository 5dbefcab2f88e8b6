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
    private final PeerDirectory directory;

    PeerController(PartyProperties properties, PeerDirectory directory) {
        this.properties = properties;
        this.directory = directory;
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
        return directory.statuses();
    }
}
