package org.genovfl.audit.governance;

import java.util.Objects;

/**
 * Who makes a governance transaction, as the ledger established it: on Fabric from the
 * submitter's MSP id (through the chaincode's organisation directory), on the embedded
 * ledger from the certificate whose key signed the request. Never taken from the request's
 * own word.
 *
 * @param organisation the organisation's name as studies name it ("St Ada University Hospital")
 * @param regulator whether this identity is a regulator's: it may suspend and lift its own
 *     suspension, and nothing else, whatever its name
 */
public record GovernanceActor(String organisation, boolean regulator) {

    public GovernanceActor {
        StudyTerms.checkOrganisation(Objects.requireNonNull(organisation, "organisation"), "organisation");
    }

    public static GovernanceActor party(String organisation) {
        return new GovernanceActor(organisation, false);
    }

    public static GovernanceActor regulator(String organisation) {
        return new GovernanceActor(organisation, true);
    }
}
