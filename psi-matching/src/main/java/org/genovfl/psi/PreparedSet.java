package org.genovfl.psi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A party's identifiers normalised for one identifier type, with duplicates and invalid
 * values taken out and counted.
 *
 * @param patientIds patient ids, parallel to {@code identifiers}
 * @param identifiers distinct normal forms, one per patient
 * @param report what was left out and why
 */
public record PreparedSet(long[] patientIds, List<String> identifiers, DuplicateReport report) {

    /** Normalises {@code records} with {@code type} and sets aside duplicates and invalid values. */
    public static PreparedSet prepare(IdentifierType type, Collection<LinkageRecord> records) {
        Objects.requireNonNull(type, "type");
        Map<String, List<Long>> patientsByValue = new HashMap<>(records.size() * 2);
        int invalid = 0;
        for (LinkageRecord record : records) {
            Optional<String> normal = type.normalise(record.identifier());
            if (normal.isEmpty()) {
                invalid++;
                continue;
            }
            patientsByValue.computeIfAbsent(normal.get(), v -> new ArrayList<>(1)).add(record.patientId());
        }
        List<String> identifiers = new ArrayList<>(patientsByValue.size());
        long[] patientIds = new long[patientsByValue.size()];
        int duplicatedValues = 0;
        int excluded = 0;
        for (Map.Entry<String, List<Long>> entry : patientsByValue.entrySet()) {
            List<Long> patients = entry.getValue();
            if (patients.size() > 1) {
                duplicatedValues++;
                excluded += patients.size();
            } else {
                patientIds[identifiers.size()] = patients.get(0);
                identifiers.add(entry.getKey());
            }
        }
        return new PreparedSet(java.util.Arrays.copyOf(patientIds, identifiers.size()), identifiers,
                new DuplicateReport(duplicatedValues, excluded, invalid));
    }

    public int size() {
        return identifiers.size();
    }

    @Override
    public String toString() {
        return "PreparedSet[size=" + size() + ", report=" + report + "]";
    }
}
