package org.genovfl.party.project;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The projects this party knows, for the web pages' lists and menus: names and hashes only. */
@Component
public class ProjectCatalog {

    /** A project as listed: who defined it and when, and its specification's hash. */
    public record ProjectSummary(UUID id, String name, String description, String createdBy, Instant createdAt,
            String specSha256) {
    }

    private final JdbcClient jdbc;

    ProjectCatalog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Newest first. */
    public List<ProjectSummary> all() {
        return jdbc.sql("SELECT id, name, description, created_by, created_at, spec_sha256 FROM project "
                        + "ORDER BY created_at DESC, name")
                .query((rs, row) -> new ProjectSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6)))
                .list();
    }
}
