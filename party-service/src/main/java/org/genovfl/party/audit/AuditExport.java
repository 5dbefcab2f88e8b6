package org.genovfl.party.audit;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.genovfl.audit.AuditEvent;

/** The CSV form of an audit trail, shared by the REST export and the regulator's web pages. */
public final class AuditExport {

    private AuditExport() {
    }

    /** One line per event, RFC 4180, CRLF line ends; hashes and metadata as {@code key=value;...}. */
    public static String csv(List<AuditEvent> events) {
        StringBuilder out = new StringBuilder(
                "eventId,projectId,sequence,type,actingOrganisation,occurredAt,artifactHashes,metadata\r\n");
        for (AuditEvent e : events) {
            out.append(String.join(",", List.of(e.eventId().toString(), e.projectId().toString(),
                    Long.toString(e.sequence()), e.type().name(), quoted(e.actingOrganisation()),
                    e.occurredAt().toString(), quoted(pairs(e.artifactHashes())), quoted(pairs(e.metadata())))))
                    .append("\r\n");
        }
        return out.toString();
    }

    private static String pairs(Map<String, String> entries) {
        return entries.entrySet().stream().map(en -> en.getKey() + "=" + en.getValue()).collect(Collectors.joining(";"));
    }

    /** RFC 4180: every field quoted, quotes doubled. */
    private static String quoted(String field) {
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }
}
