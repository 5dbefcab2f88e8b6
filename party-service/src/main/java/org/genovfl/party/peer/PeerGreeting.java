package org.genovfl.party.peer;

import org.genovfl.party.config.PartyRole;

/**
 * Answer of {@code GET /peer/hello}: who answered, and as whom it authenticated the caller.
 */
public record PeerGreeting(String organisation, PartyRole role, String callerSeenAs) {
}
