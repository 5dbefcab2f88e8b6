package org.genovfl.party.web.ui;

import java.util.Map;
import java.util.stream.Collectors;
import org.genovfl.party.party.PartyRegistry;
import org.genovfl.party.party.RegisteredParty;
import org.genovfl.party.peer.PeerDirectory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The peers of this party (PARTY_ADMIN or COORDINATOR): reachability, certificate pin, traffic. */
@Controller
class PeersPage {

    private final PeerDirectory directory;
    private final PartyRegistry registry;

    PeersPage(PeerDirectory directory, PartyRegistry registry) {
        this.directory = directory;
        this.registry = registry;
    }

    @GetMapping("/ui/peers")
    String peers(Model model) {
        Map<String, String> pins = registry.all().stream().filter(p -> p.certificateSha256() != null)
                .collect(Collectors.toMap(RegisteredParty::organisation, RegisteredParty::certificateSha256));
        model.addAttribute("peers", directory.statuses());
        model.addAttribute("pins", pins);
        return "peers";
    }
}
