package org.genovfl.party.web.ui;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one upload as the admin reads it: accepted with counts, or refused with
 * every issue and where it is (a FHIRPath, a CSV line, or file:line of a VCF). Kept in the
 * person's session, so the outcome page can be reloaded; holds counts and locations only.
 */
public record ImportOutcome(int number, String fileName, String format, boolean accepted, String summary,
        List<Issue> issues, Instant at) implements Serializable {

    /** One problem: its severity, where it is and what is wrong. */
    public record Issue(String severity, String location, String message) implements Serializable {
    }
}
