package org.genovfl.party.audit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where this party's audit events go, under {@code genovfl.audit}.
 *
 * <pre>
 * genovfl.audit.ledger=embedded            # or fabric
 * genovfl.audit.relay.interval=200ms
 * genovfl.audit.relay.batch-size=200
 * genovfl.audit.relay.streams-in-flight=4
 * genovfl.audit.fabric.connection-directory=~/.cache/genovfl/fabric/connections
 * </pre>
 *
 * @param ledger which ledger the outbox relay delivers to
 * @param relay how the relay polls, batches and backs off
 * @param fabric where the Fabric connection of this party is described (ledger=fabric only)
 */
@Validated
@ConfigurationProperties("genovfl.audit")
public record AuditProperties(
        @NotNull @DefaultValue("embedded") LedgerKind ledger,
        @Valid @DefaultValue Relay relay,
        @Valid @DefaultValue Fabric fabric) {

    /** The ledgers a party can use. */
    public enum LedgerKind {
        /** Hash chain in the party's own PostgreSQL, signed with its TLS key. */
        EMBEDDED,
        /** The channel genovfl-audit of a Hyperledger Fabric network. */
        FABRIC
    }

    /**
     * The party's Fabric connection file (see {@code FabricConnection.fromProperties}): either
     * {@code connection} itself, or {@code connection-<role>.properties} (role in lower case)
     * in {@code connection-directory}, as {@code ./genovfl fabric up} writes them.
     * {@code party-msps}: the MSP ids whose endorsements count towards the audit chaincode's
     * policy, for checking the channel (those of {@code ./genovfl fabric up} by default).
     */
    public record Fabric(Path connection, Path connectionDirectory,
            @DefaultValue({"HospitalMSP", "LabMSP", "CoordinatorMSP"}) java.util.Set<String> partyMsps) {

        Path connectionFor(String role) {
            if (connection != null) {
                return connection;
            }
            if (connectionDirectory == null) {
                throw new IllegalStateException("genovfl.audit.ledger=fabric needs genovfl.audit.fabric.connection "
                        + "or genovfl.audit.fabric.connection-directory (run ./genovfl fabric up)");
            }
            return connectionDirectory.resolve("connection-" + role.toLowerCase(java.util.Locale.ROOT) + ".properties");
        }
    }

    /**
     * @param interval pause between two polls of the outbox
     * @param batchSize most events delivered in one call to the ledger
     * @param initialBackoff pause after the first failed delivery; doubles per failure
     * @param maxBackoff longest pause between attempts while the ledger is down
     * @param streamsInFlight most streams (project, organisation) whose batches go to the
     *     ledger at the same time, where the ledger takes several (Fabric); the embedded ledger
     *     takes one batch at a time whatever this says
     */
    public record Relay(
            @DefaultValue("200ms") Duration interval,
            @DefaultValue("200") @Min(1) @Max(10_000) int batchSize,
            @DefaultValue("500ms") Duration initialBackoff,
            @DefaultValue("30s") Duration maxBackoff,
            @DefaultValue("4") @Min(1) @Max(64) int streamsInFlight) {
    }
}
