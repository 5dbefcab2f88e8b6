package org.genovfl.psi;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The kinds of linkage identifier two parties can match on, each with its normal form.
 * Both parties normalise the same way before hashing, so identifiers that differ only in
 * presentation (Unicode form, case, spacing, separators) meet in the intersection.
 *
 * <p>Every type first applies Unicode NFKC (so full-width {@code Ｂ１２} equals {@code B12}
 * and ligatures decompose), then its own rules:
 * <ul>
 *   <li>{@link #BIOBANK_SAMPLE_ID}: upper case, all white space removed; punctuation kept,
 *       since biobanks use it meaningfully ({@code BB-0012/A}).</li>
 *   <li>{@link #NATIONAL_ID}: upper case, white space and the separators {@code - . /}
 *       removed ({@code 756.1234.5678.97} equals {@code 7561234567897}).</li>
 *   <li>{@link #NAME_AND_BIRTH_DATE}: written {@code name|yyyy-mm-dd}. The name is
 *       case-folded, stripped of diacritics, punctuation becomes space, and its words are
 *       sorted, so {@code "Müller, Anna"} equals {@code "anna muller"}; the date must be a
 *       valid ISO date. Normal form: {@code anna muller|1970-01-31}.</li>
 * </ul>
 * A value that is empty after normalisation, or a malformed composite, has no normal form.
 */
public enum IdentifierType {
    BIOBANK_SAMPLE_ID {
        @Override
        Optional<String> normaliseNfkc(String value) {
            return nonEmpty(WHITE_SPACE.matcher(value.toUpperCase(Locale.ROOT)).replaceAll(""));
        }
    },
    NATIONAL_ID {
        @Override
        Optional<String> normaliseNfkc(String value) {
            return nonEmpty(NATIONAL_ID_SEPARATORS.matcher(value.toUpperCase(Locale.ROOT)).replaceAll(""));
        }
    },
    NAME_AND_BIRTH_DATE {
        @Override
        Optional<String> normaliseNfkc(String value) {
            int bar = value.lastIndexOf('|');
            if (bar < 0) {
                return Optional.empty();
            }
            String name = Normalizer.normalize(value.substring(0, bar), Normalizer.Form.NFD);
            name = COMBINING_MARKS.matcher(name).replaceAll("").toLowerCase(Locale.ROOT);
            String[] words = NAME_SEPARATORS.split(name.strip());
            Arrays.sort(words);
            String sortedName = String.join(" ", words).strip();
            try {
                LocalDate birthDate = LocalDate.parse(WHITE_SPACE.matcher(value.substring(bar + 1)).replaceAll(""));
                return sortedName.isEmpty() ? Optional.empty() : Optional.of(sortedName + "|" + birthDate);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    };

    private static final Pattern WHITE_SPACE = Pattern.compile("[\\s\\p{Z}]+");
    private static final Pattern NATIONAL_ID_SEPARATORS = Pattern.compile("[\\s\\p{Z}./-]+");
    private static final Pattern COMBINING_MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[\\s\\p{Z}\\p{P}]+");

    /**
     * The normal form of {@code value}, or empty if it has none (blank or malformed).
     * Idempotent: a normal form normalises to itself.
     */
    public Optional<String> normalise(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return normaliseNfkc(Normalizer.normalize(value, Normalizer.Form.NFKC));
    }

    abstract Optional<String> normaliseNfkc(String nfkcValue);

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
