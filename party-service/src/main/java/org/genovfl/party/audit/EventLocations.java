package org.genovfl.party.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.genovfl.audit.AuditLedger;
import org.genovfl.audit.fabric.ChannelTrail;
import org.genovfl.audit.fabric.ChannelTrailCache;
import org.genovfl.audit.fabric.FabricAuditLedger;

/**
 * Where the ledger holds an event, beyond its content: on Fabric, the block and transaction
 * that recorded it and the organisations that endorsed it, as this party's own peer shows
 * them. The embedded ledger has no such place to show (its chain is this party's own).
 */
public final class EventLocations {

    /**
     * @param orderedAt the transaction's timestamp
     * @param endorsingOrganisations MSP ids whose endorsement signatures verify
     */
    public record Location(long blockNumber, String transactionId, Instant orderedAt,
            Set<String> endorsingOrganisations) {
    }

    private final ChannelTrailCache channel;

    EventLocations(AuditLedger ledger, Set<String> partyMsps) {
        this.channel = ledger instanceof FabricAuditLedger fabric ? new ChannelTrailCache(fabric, partyMsps) : null;
    }

    /** Whether events have a block and transaction here (the ledger is a Fabric channel). */
    public boolean onChannel() {
        return channel != null;
    }

    /** The block and transaction that first recorded {@code eventId}; empty off Fabric or before its block. */
    public Optional<Location> locate(UUID eventId) {
        if (channel == null) {
            return Optional.empty();
        }
        return channel.entryOf(eventId).map(EventLocations::location);
    }

    /** The channel's integrity as this party's peer holds it; empty off Fabric. */
    public Optional<ChannelTrail.Integrity> channelIntegrity() {
        return channel == null ? Optional.empty() : Optional.of(channel.trail().integrity());
    }

    private static Location location(ChannelTrail.Entry entry) {
        return new Location(entry.blockNumber(), entry.transactionId(), entry.orderedAt(),
                entry.endorsingOrganisations());
    }
}
