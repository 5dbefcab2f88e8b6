package org.genovfl.audit.chaincode;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.genovfl.audit.governance.GovernanceActor;

/**
 * Which Fabric MSP speaks for which organisation. Events name their acting organisation as
 * the party services know it ("St Ada University Hospital"); the chaincode accepts an event
 * only from a submitter of that organisation's MSP. Every endorsing peer's chaincode gets
 * the same directory from {@value #ENVIRONMENT}, e.g.
 * {@code St Ada University Hospital=HospitalMSP;Helix Sequencing Lab=LabMSP}; a peer with a
 * different directory gives a different endorsement, which the endorsement policy refuses.
 * An organisation not in the directory must be named by its MSP id itself.
 *
 * <p>Regulators' MSP ids come from {@value #REGULATORS_ENVIRONMENT} (comma-separated, e.g.
 * {@code RegulatorMSP}): their identities speak for no party, and the governance contract
 * lets them suspend a study and lift their own suspension, nothing else.
 */
final class OrganisationDirectory {

    static final String ENVIRONMENT = "GENOVFL_AUDIT_ORGANISATIONS";
    static final String REGULATORS_ENVIRONMENT = "GENOVFL_AUDIT_REGULATORS";

    private final Map<String, String> mspByOrganisation;
    private final Map<String, String> organisationByMsp;
    private final Set<String> ambiguousMsps;
    private final Set<String> regulatorMsps;

    OrganisationDirectory(Map<String, String> mspByOrganisation, Set<String> regulatorMsps) {
        this.mspByOrganisation = Map.copyOf(mspByOrganisation);
        // Governance needs one organisation per MSP: an MSP listed for several speaks for
        // none of them there (the audit contract still lets it record events of each).
        Map<String, String> reverse = new TreeMap<>();
        Set<String> ambiguous = new TreeSet<>();
        mspByOrganisation.forEach((organisation, msp) -> {
            if (reverse.put(msp, organisation) != null) {
                ambiguous.add(msp);
            }
        });
        ambiguous.forEach(reverse::remove);
        this.organisationByMsp = Map.copyOf(reverse);
        this.ambiguousMsps = Set.copyOf(ambiguous);
        this.regulatorMsps = Set.copyOf(regulatorMsps);
    }

    static OrganisationDirectory fromEnvironment() {
        return parse(System.getenv(ENVIRONMENT), System.getenv(REGULATORS_ENVIRONMENT));
    }

    static OrganisationDirectory parse(String spec) {
        return parse(spec, null);
    }

    static OrganisationDirectory parse(String spec, String regulators) {
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
        Set<String> regulatorMsps = new TreeSet<>();
        if (regulators != null) {
            for (String msp : regulators.split(",")) {
                if (!msp.isBlank()) {
                    regulatorMsps.add(msp.trim());
                }
            }
        }
        return new OrganisationDirectory(map, regulatorMsps);
    }

    /** Whether a submitter of {@code mspId} may record events acting as {@code organisation}. */
    boolean speaksFor(String mspId, String organisation) {
        return mspId.equals(mspByOrganisation.getOrDefault(organisation, organisation));
    }

    /**
     * Who a submitter of {@code mspId} is for the governance contract: the organisation its
     * MSP speaks for (the MSP id itself if the directory does not name one), and whether it
     * is a regulator's. An MSP whose id is the name of an organisation the directory gives
     * to another MSP, or an MSP the directory lists for several organisations, gets a name
     * that no study can list, so it cannot pass for any of them.
     */
    GovernanceActor actorOf(String mspId) {
        String organisation = organisationByMsp.get(mspId);
        if (organisation == null) {
            organisation = mspByOrganisation.containsKey(mspId) || ambiguousMsps.contains(mspId)
                    ? "unlisted MSP " + mspId : mspId;
        }
        return new GovernanceActor(organisation, regulatorMsps.contains(mspId));
    }
}
