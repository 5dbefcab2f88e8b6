package org.genovfl.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditEventTest {

    private static AuditEvent event(Map<String, String> hashes, Map<String, String> metadata) {
        return new AuditEvent(UUID.randomUUID(), UUID.randomUUID(), 1, AuditEventType.PSI_COMPLETED,
                "St Ada University Hospital", Instant.now(),
                hashes == null ? null : new TreeMap<>(hashes), metadata == null ? null : new TreeMap<>(metadata));
    }

    @Test
    void acceptsHashesAndShortTokens() {
        AuditEvent e = event(Map.of("cohort", "a".repeat(64)), Map.of("cohortSize", "284", "mode", "INTERSECTION"));
        assertThat(e.metadata()).containsEntry("cohortSize", "284");
    }

    @Test
    void refusesFreeTextThatCouldCarryPersonalData() {
        assertThatThrownBy(() -> event(null, Map.of("patient", "Jane Doe 1970-01-01")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> event(Map.of("cohort", "not-a-hash"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> event(null, Map.of("Bad Key", "1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
