package org.genovfl.party.peer;

import java.net.URI;
import org.genovfl.party.config.PartyRole;

/**
 * One configured peer as this party sees it right now.
 *
 * @param authenticated both sides accepted each other's certificate and registration
 * @param answeredAs the organisation named by the peer's own answer
 * @param weAreSeenAs how the peer authenticated this party
 * @param problem why the call failed, if it did
 * @param bytesSent body bytes of this party's calls to the peer since it started ({@link PeerTraffic})
 * @param bytesReceived body bytes of the peer's answers to those calls
 */
public record PeerStatus(String organisation, PartyRole role, URI url, boolean authenticated, String answeredAs,
        String weAreSeenAs, String problem, long bytesSent, long bytesReceived) {
}
