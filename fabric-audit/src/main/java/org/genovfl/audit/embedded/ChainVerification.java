package org.genovfl.audit.embedded;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of checking the embedded ledger's chain from its first entry.
 *
 * @param entriesChecked entries read (all of them, also past a tampered one)
 * @param firstTampered the first entry that is not what was recorded, if any; absent from the
 *     JSON of an intact chain (its OpenAPI schema is a TamperedEntry object, which null is not)
 */
public record ChainVerification(long entriesChecked,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<TamperedEntry> firstTampered) {

    /** How an entry was found to be tampered with. */
    public enum Tampering {
        /** Its content no longer matches its hash, or its signature does not verify. */
        EDITED,
        /** The entry that should precede it is gone. */
        DELETED,
        /** It sits at the wrong place in the chain. */
        REORDERED
    }

    /**
     * @param position where the chain breaks (the position expected there)
     * @param eventId the event of the entry found at that position, null if none
     */
    public record TamperedEntry(long position, UUID eventId, Tampering tampering, String detail) {
    }

    @JsonProperty("intact")
    public boolean intact() {
        return firstTampered.isEmpty();
    }
}
