package org.genovfl.psi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentifierTypeTest {

    @Test
    void shouldMatchBiobankIdsThatDifferOnlyInWidthCaseAndSpacing() {
        assertThat(IdentifierType.BIOBANK_SAMPLE_ID.normalise(" ｂｂ-0012 /a\u00a0")).contains("BB-0012/A");
        assertThat(IdentifierType.BIOBANK_SAMPLE_ID.normalise("BB-0012/A")).contains("BB-0012/A");
    }

    @Test
    void shouldDropSeparatorsOfNationalIds() {
        assertThat(IdentifierType.NATIONAL_ID.normalise("756.1234.5678.97")).contains("7561234567897");
        assertThat(IdentifierType.NATIONAL_ID.normalise("ab 12-34/5")).contains("AB12345");
    }

    @Test
    void shouldNormaliseNameAndBirthDateIgnoringOrderAccentsAndPunctuation() {
        Optional<String> expected = Optional.of("anna muller|1970-01-31");
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise("Müller, Anna|1970-01-31")).isEqualTo(expected);
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise("  ANNA   MULLER | 1970-01-31 ")).isEqualTo(expected);
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise("Mu\u0308ller Anna|1970-01-31")).isEqualTo(expected);
    }

    @Test
    void shouldRefuseBlankAndMalformedValues() {
        assertThat(IdentifierType.BIOBANK_SAMPLE_ID.normalise(" \t ")).isEmpty();
        assertThat(IdentifierType.BIOBANK_SAMPLE_ID.normalise(null)).isEmpty();
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise("Anna Muller 1970-01-31")).isEmpty();
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise("Anna Muller|1970-02-30")).isEmpty();
        assertThat(IdentifierType.NAME_AND_BIRTH_DATE.normalise(" ,|1970-01-31")).isEmpty();
    }

    @Test
    void shouldBeIdempotent() {
        for (IdentifierType type : IdentifierType.values()) {
            String raw = type == IdentifierType.NAME_AND_BIRTH_DATE ? "Ｚoë  d'Arc|2001-12-01" : " ｘ-1. 2 ";
            String once = type.normalise(raw).orElseThrow();
            assertThat(type.normalise(once)).as(type.name()).contains(once);
        }
    }
}
