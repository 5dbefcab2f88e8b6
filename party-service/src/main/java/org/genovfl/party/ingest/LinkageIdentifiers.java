package org.genovfl.party.ingest;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.genovfl.psi.IdentifierType;

/**
 * Linkage identifiers as importers store them: in the normal form of
 * {@link IdentifierType} (psi-matching), so that the hospital's and the lab's spelling of
 * the same identifier meet in PSI.
 */
public final class LinkageIdentifiers {

    /** The identifier types of {@code linkage_identifier.id_type}. */
    public static final Set<String> TYPES = Arrays.stream(IdentifierType.values()).map(Enum::name)
            .collect(Collectors.toUnmodifiableSet());

    private LinkageIdentifiers() {
    }

    /**
     * @throws IllegalArgumentException if the type is unknown or the value has no normal form
     *     (blank, or a malformed {@code name|yyyy-mm-dd})
     */
    public static String normalise(String type, String value) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown linkage identifier type " + type + "; expected one of " + TYPES);
        }
        return IdentifierType.valueOf(type).normalise(value).orElseThrow(() -> new IllegalArgumentException(
                "a " + type + " linkage identifier has no normal form (blank or malformed)"));
    }
}
