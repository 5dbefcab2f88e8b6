package org.genovfl.party.security;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WhoAmIController {

    /** The signed-in person and the party they are signed in to. */
    record Me(String username, List<String> roles, String organisation, PartyRole partyRole) {
    }

    private final PartyProperties properties;

    WhoAmIController(PartyProperties properties) {
        this.properties = properties;
    }

    @Operation(summary = "Who am I signed in as", description = "Role: any signed-in person.")
    @GetMapping("/api/me")
    Me me(Authentication authentication) {
        List<String> roles = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .map(a -> a.replaceFirst("^ROLE_", ""))
                .sorted()
                .toList();
        return new Me(authentication.getName(), roles, properties.organisation(), properties.role());
    }
}
