package org.genovfl.audit.fabric;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A party's {@link ChannelTrail}, read through its own peer and read again only when the
 * channel has grown: what lets a page show the block and transaction of an event without
 * reading the whole channel on every view. Each read is a complete {@link ChannelTrail#read},
 * so the integrity it reports always covers every block.
 */
public final class ChannelTrailCache {

    private final FabricAuditLedger ledger;
    private final String chaincode;
    private final Set<String> partyMsps;
    private ChannelTrail trail;
    private long height = -1;

    /**
     * @param partyMsps MSP ids whose endorsements count towards the audit chaincode's policy
     */
    public ChannelTrailCache(FabricAuditLedger ledger, Set<String> partyMsps) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.chaincode = ledger.contract().getChaincodeName();
        this.partyMsps = Set.copyOf(partyMsps);
    }

    /** The channel as the peer holds it now. */
    public synchronized ChannelTrail trail() {
        long now = ledger.channelHeight();
        if (trail == null || now != height) {
            trail = ChannelTrail.read(ledger, chaincode, partyMsps);
            height = now;
        }
        return trail;
    }

    /** The valid transaction that first recorded {@code eventId}, if the channel holds it. */
    public Optional<ChannelTrail.Entry> entryOf(UUID eventId) {
        return trail().entries().stream()
                .filter(entry -> entry.events().stream().anyMatch(event -> event.eventId().equals(eventId)))
                .findFirst();
    }
}
