package org.genovfl.psi;

/**
 * One patient's linkage identifier as this party holds it.
 *
 * @param patientId the party's own row id of the patient; never leaves the party
 * @param identifier the identifier, normalised or not (it is normalised again)
 */
public record LinkageRecord(long patientId, String identifier) {

    @Override
    public String toString() {
        return "LinkageRecord[patientId=" + patientId + ", identifier=<redacted>]";
    }
}
