package org.genovfl.party.ingest.fhir;

import java.util.Map;

/**
 * What a clinical import wrote: counts only. {@code skipped} counts resources of types the
 * hospital store does not hold (Encounter, Claim, ...), by type.
 */
public record ClinicalImport(int patients, int observations, int conditions, int consentEvents,
        Map<String, Integer> skipped) {
}
