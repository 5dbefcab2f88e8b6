package org.genovfl.party.project;

import java.nio.file.Path;
import java.util.List;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.ingest.IngestDatabase;
import org.genovfl.party.party.PartyRegistry;

/** The three organisations of the project tests, known to each party's database. */
public final class StudyParties {

    public static final String HOSPITAL = "St Ada University Hospital";
    public static final String LAB = "Helix Sequencing Lab";
    public static final String COORDINATOR = "GenoVFL Study Office";

    private StudyParties() {
    }

    /** Registers the hospital, the lab and the coordinator in each database. */
    public static void registerIn(IngestDatabase... databases) {
        for (IngestDatabase db : databases) {
            for (String[] party : new String[][] {{HOSPITAL, "HOSPITAL"}, {LAB, "LAB"}, {COORDINATOR, "COORDINATOR"}}) {
                db.jdbc.sql("INSERT INTO party (id, organisation_name, role) VALUES (?, ?, ?)")
                        .param(PartyRegistry.idOf(party[0])).param(party[0]).param(party[1]).update();
            }
        }
    }

    /** The configuration of {@code organisation} acting as {@code role}. */
    public static PartyProperties properties(String organisation, PartyRole role, Path directory) {
        return new PartyProperties(role, organisation, directory, null, List.of(), List.of(), null);
    }

    /** {@code organisation}'s project registration over its own database. */
    public static ProjectRegistration registration(IngestDatabase db, String organisation, PartyRole role, Path directory) {
        PartyProperties properties = properties(organisation, role, directory);
        return new ProjectRegistration(db.jdbc, new AuditOutbox(db.jdbc, properties), properties);
    }
}
