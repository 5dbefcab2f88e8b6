package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The check behind "no personal data on the ledger" and "none in the logs": every identifier
 * a party holds for its patients (local ids, linkage identifiers, VCF sample names) is
 * searched for in what the party wrote to its audit trail (the outbox and the embedded
 * ledger's entries) and in every line the parties logged during a test ({@link CapturedLogs}).
 */
final class PersonalDataScan {

    /**
     * Identifiers shorter than this are not searched for: "S1" would match by chance, while
     * identifiers real parties use are longer.
     */
    private static final int MIN_LENGTH = 5;

    private PersonalDataScan() {
    }

    /** The patient identifiers held in {@code db}. */
    static Set<String> identifiers(JdbcClient db) {
        Set<String> identifiers = new TreeSet<>();
        identifiers.addAll(db.sql("SELECT local_id FROM patient").query(String.class).list());
        identifiers.addAll(db.sql("SELECT normalised_value FROM linkage_identifier").query(String.class).list());
        identifiers.addAll(db.sql("SELECT sample_name FROM genotype_sample").query(String.class).list());
        identifiers.removeIf(identifier -> identifier.length() < MIN_LENGTH);
        return identifiers;
    }

    /**
     * Asserts that no line {@code logs} captured carries a patient identifier held by any of
     * {@code parties} or one of {@code markers} (names, birth dates, ids a test sent in,
     * whether imported or refused), ignoring case; then stops capturing.
     */
    static void assertLogsFreeOfIdentifiers(CapturedLogs logs, Set<String> markers, JdbcClient... parties) {
        try {
            Set<String> identifiers = new TreeSet<>(markers);
            for (JdbcClient party : parties) {
                identifiers.addAll(identifiers(party));
            }
            List<String> lines = logs.lines();
            assertThat(lines).as("log lines").isNotEmpty();
            for (String line : lines) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                for (String identifier : identifiers) {
                    assertThat(lower).as("log line vs patient identifier %s", identifier)
                            .doesNotContain(identifier.toLowerCase(java.util.Locale.ROOT));
                }
            }
        } finally {
            logs.close();
        }
    }

    /**
     * Asserts that the party behind {@code db} has audit events, and that none of them (as
     * queued and as chained in its embedded ledger) contains an identifier of its patients.
     */
    static void assertAuditTrailFreeOfIdentifiers(JdbcClient db) {
        Set<String> identifiers = identifiers(db);
        assertThat(identifiers).as("patients to look for").isNotEmpty();
        List<String> recorded = new ArrayList<>(
                db.sql("SELECT CAST(payload AS TEXT) FROM audit_outbox").query(String.class).list());
        assertThat(recorded).as("audit events").isNotEmpty();
        recorded.addAll(db.sql("SELECT payload FROM audit_ledger_entry").query(String.class).list());
        for (String payload : recorded) {
            for (String identifier : identifiers) {
                assertThat(payload).as("audit payload vs patient identifier %s", identifier).doesNotContain(identifier);
            }
        }
    }
}
