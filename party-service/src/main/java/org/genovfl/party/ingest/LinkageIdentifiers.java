package org.genovfl.party.ingest;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * The normal form in which linkage identifiers are stored, so that the hospital's and the
 * lab's spelling of the same identifier match in PSI: Unicode NFKC, trimmed, upper case;
 * national ids also lose spaces, dots and hyphens.
 */
public final class LinkageIdentifiers {

    /** The identifier types of {@code linkage_identifier.id_type}. */
    public static final Set<String> TYPES = Set.of("BIOBANK_SAMPLE_ID", "NATIONAL_ID", "NAME_AND_BIRTH_DATE");

    private LinkageIdentifiers() {
    }

    /**
     * @throws IllegalArgumentException if the type is unknown or the value is blank
     */
    public static String normalise(String type, String value) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown linkage identifier type " + type + "; expected one of " + TYPES);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a " + type + " linkage identifier is blank");
        }
        String normal = Normalizer.normalize(value, Normalizer.Form.NFKC).trim().toUpperCase(Locale.ROOT);
        if (type.equals("NATIONAL_ID")) {
            normal = normal.replaceAll("[\\s.\\-]", "");
        }
        return normal;
    }
}
