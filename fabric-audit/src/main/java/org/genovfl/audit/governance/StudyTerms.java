package org.genovfl.audit.governance;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What binds a study: the hash of the coordinator's full specification and the parameters
 * every party checks before it acts. The parties approve exactly these terms; changing any
 * of them is a new proposal that needs every approval again.
 *
 * @param projectId the study
 * @param specificationHash lower-case hex SHA-256 of the specification the parties validate
 * @param coordinator the organisation that proposes, and alone may re-propose and close
 * @param parties the organisations that must each approve (data holders; the coordinator too if listed)
 * @param label the outcome's code (a Condition code, not a patient's value)
 * @param featureCounts how many features each named party contributes
 * @param allowedProtocols what the parties may run once ACTIVE
 * @param minimumCohortSize the fewest matched patients any run may use
 * @param releaseRules what a run may release
 */
public record StudyTerms(UUID projectId, String specificationHash, String coordinator, List<String> parties,
        Label label, SortedMap<String, Integer> featureCounts, SortedSet<StudyProtocol> allowedProtocols,
        int minimumCohortSize, ReleaseRules releaseRules) {

    /** Most named parties a study may have. */
    public static final int MAX_PARTIES = 16;
    /** Most features one party may contribute. */
    public static final int MAX_FEATURES = 1_000_000;
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern LABEL_SYSTEM = Pattern.compile("[!-~]{1,128}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern POLICY = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

    /** The outcome: a coded condition, e.g. SNOMED CT 254837009. */
    public record Label(String system, String code) {
        public Label {
            require(system != null && LABEL_SYSTEM.matcher(system).matches(),
                    "label.system: 1..128 printable characters without spaces");
            require(code != null && CODE.matcher(code).matches(), "label.code: 1..64 of A-Z a-z 0-9 . _ : -");
        }
    }

    /**
     * @param minMinorAlleleCount a GWAS withholds variants with fewer minor alleles
     * @param modelReleasePolicy which epoch a training run releases (BEST_VALIDATION, LAST_EPOCH)
     * @param inferenceRequester the one named party that receives inference scores
     */
    public record ReleaseRules(int minMinorAlleleCount, String modelReleasePolicy, String inferenceRequester) {
        public ReleaseRules {
            require(minMinorAlleleCount >= 0, "releaseRules.minMinorAlleleCount: 0 or more");
            require(modelReleasePolicy != null && POLICY.matcher(modelReleasePolicy).matches(),
                    "releaseRules.modelReleasePolicy: an upper-case policy name");
            checkOrganisation(inferenceRequester, "releaseRules.inferenceRequester");
        }
    }

    /**
     * @throws IllegalArgumentException naming the first field out of its rules
     * @throws NullPointerException if the project id is null
     */
    public StudyTerms {
        Objects.requireNonNull(projectId, "projectId");
        require(specificationHash != null && SHA256.matcher(specificationHash).matches(),
                "specificationHash: lower-case hex SHA-256");
        checkOrganisation(coordinator, "coordinator");
        require(parties != null && !parties.isEmpty() && parties.size() <= MAX_PARTIES,
                "parties: 1.." + MAX_PARTIES + " organisations");
        parties = List.copyOf(parties);
        Set<String> seen = new HashSet<>();
        for (String party : parties) {
            checkOrganisation(party, "parties");
            require(seen.add(party), "parties: each organisation once");
        }
        require(label != null, "label: required");
        require(featureCounts != null && !featureCounts.isEmpty(), "featureCounts: at least one party's count");
        featureCounts = Collections.unmodifiableSortedMap(new TreeMap<>(featureCounts));
        long total = 0;
        for (Map.Entry<String, Integer> count : featureCounts.entrySet()) {
            require(seen.contains(count.getKey()), "featureCounts: only named parties");
            require(count.getValue() != null && count.getValue() >= 0 && count.getValue() <= MAX_FEATURES,
                    "featureCounts: 0.." + MAX_FEATURES + " per party");
            total += count.getValue();
        }
        require(total > 0, "featureCounts: at least one feature in all");
        require(allowedProtocols != null && !allowedProtocols.isEmpty(), "allowedProtocols: at least one");
        allowedProtocols = Collections.unmodifiableSortedSet(new TreeSet<>(EnumSet.copyOf(allowedProtocols)));
        require(minimumCohortSize >= 1, "minimumCohortSize: 1 or more");
        require(releaseRules != null, "releaseRules: required");
        require(seen.contains(releaseRules.inferenceRequester()), "releaseRules.inferenceRequester: a named party");
    }

    /** Whether {@code organisation} is one of the parties that must approve. */
    public boolean names(String organisation) {
        return parties.contains(organisation);
    }

    static void checkOrganisation(String organisation, String field) {
        require(organisation != null && !organisation.isBlank() && organisation.length() <= 128
                && organisation.chars().noneMatch(Character::isISOControl),
                field + ": an organisation name of 1..128 characters");
    }

    static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
