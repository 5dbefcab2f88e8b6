package org.genovfl.audit.chaincode;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which Fabric MSP speaks for which organisation. Events name their acting organisation as
 * the party services know it ("St Ada University Hospital"); the chaincode accepts an event
 * only from a submitter of that organisation's MSP. Every endorsing peer's chaincode gets
 * the same directory from {@value #ENVIRONMENT}, e.g.
 * {@code St Ada University Hospital=HospitalMSP;Helix Sequencing Lab=LabMSP}; a peer with a
 * different directory gives a different endorsement, which the endorsement policy refuses.
 * An organisation not in the directory must be named by its MSP id itself.
 */
final class OrganisationDirectory {

    static final String ENVIRONMENT = "GENOVFL_AUDIT_ORGANISATIONS";

    private final Map<String, String> mspByOrganisation;

    OrganisationDirectory(Map<String, String> mspByOrganisation) {
        this.mspByOrganisation = Map.copyOf(mspByOrganisation);
    }

    static OrganisationDirectory fromEnvironment() {
        return parse(System.getenv(ENVIRONMENT));
    }

    static OrganisationDirectory parse(String spec) {
        Map<String, String> map = new TreeMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String entry : spec.split(";")) {
                int eq = entry.lastIndexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException(ENVIRONMENT + ": '" + entry + "' is not organisation=MSP");
                }
                map.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return new OrganisationDirectory(map);
    }

    /** Whether a submitter of {@code mspId} may record events acting as {@code organisation}. */
    boolean speaksFor(String mspId, String organisation) {
        return mspId.equals(mspByOrganisation.getOrDefault(organisation, organisation));
    }
}
