package org.genovfl.party.party;

import java.net.URI;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;

/** An organisation known to this party, as stored in the {@code party} table. */
public record RegisteredParty(UUID id, String organisation, PartyRole role, URI baseUrl,
        String certificateSha256, boolean self) {
}
