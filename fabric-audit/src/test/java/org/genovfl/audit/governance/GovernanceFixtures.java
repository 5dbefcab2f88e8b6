package org.genovfl.audit.governance;

import java.util.EnumSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** The demo study's organisations and terms, for the governance tests here and in the chaincode. */
public final class GovernanceFixtures {

    public static final String HOSPITAL = "St Ada University Hospital";
    public static final String LAB = "Helix Sequencing Lab";
    public static final String COORDINATOR = "GenoVFL Study Coordination";
    public static final String REGULATOR = "Regulator";
    public static final String HASH_V1 = "1".repeat(64);
    public static final String HASH_V2 = "2".repeat(64);

    private GovernanceFixtures() {
    }

    /** Hospital and lab must approve; the coordinator proposes; training and PSI allowed. */
    public static StudyTerms terms(UUID projectId, String specificationHash) {
        TreeMap<String, Integer> featureCounts = new TreeMap<>();
        featureCounts.put(HOSPITAL, 2);
        featureCounts.put(LAB, 5);
        return new StudyTerms(projectId, specificationHash, COORDINATOR, List.of(HOSPITAL, LAB),
                new StudyTerms.Label("http://snomed.info/sct", "254837009"), featureCounts,
                new TreeSet<>(EnumSet.of(StudyProtocol.PSI, StudyProtocol.TRAINING)), 50,
                new StudyTerms.ReleaseRules(5, "BEST_VALIDATION", HOSPITAL));
    }
}
