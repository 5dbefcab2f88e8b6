package org.genovfl.psi;

/**
 * What normalisation found in a party's own identifiers. Duplicates are reported, not
 * merged: every patient whose identifier another of the party's patients also carries is
 * left out of the run, because the protocol could not tell which of them a match means.
 *
 * @param duplicatedValues distinct normal forms carried by more than one patient
 * @param patientsExcluded patients left out because they share a normal form
 * @param invalidIdentifiers identifiers without a normal form (blank or malformed), left out
 */
public record DuplicateReport(int duplicatedValues, int patientsExcluded, int invalidIdentifiers) {

    public boolean clean() {
        return duplicatedValues == 0 && invalidIdentifiers == 0;
    }
}
