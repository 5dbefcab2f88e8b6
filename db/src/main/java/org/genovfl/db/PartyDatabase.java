package org.genovfl.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL database of one party.
 *
 * <p>By default a party runs an embedded PostgreSQL whose binaries come from Maven and
 * whose data directory survives restarts; {@link #external} connects to any server
 * instead. Either way the schema is the one in {@code classpath:db/migration}.
 *
 * <pre>{@code
 * try (PartyDatabase db = PartyDatabase.embedded(Path.of("data/hospital/pg"), 0)) {
 *     db.migrate();
 *     DataSource ds = db.dataSource();
 * }
 * }</pre>
 */
public final class PartyDatabase implements AutoCloseable {

    /** Where the migrations live on the classpath. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private final DataSource dataSource;
    private final EmbeddedPostgres embedded;

    private PartyDatabase(DataSource dataSource, EmbeddedPostgres embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    /**
     * Starts (or restarts) an embedded PostgreSQL keeping its data in {@code dataDirectory}.
     *
     * @param dataDirectory created if absent; an existing cluster in it is reused, not wiped
     * @param port TCP port on loopback, or 0 for any free port
     * @throws UncheckedIOException if the server cannot be started
     */
    public static PartyDatabase embedded(Path dataDirectory, int port) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // Installing the binaries under the data directory's parent keeps a
                    // party's files in one place and avoids a shared /tmp.
                    .setOverrideWorkingDirectory(dataDirectory.toAbsolutePath().getParent().toFile())
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            return new PartyDatabase(postgres.getPostgresDatabase(), postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** Connects to an external PostgreSQL server; nothing is started or stopped. */
    public static PartyDatabase external(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return new PartyDatabase(ds, null);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** JDBC URL of the embedded server, for tools and child processes. */
    public String jdbcUrl() {
        if (embedded == null) {
            throw new IllegalStateException("jdbcUrl() is only known for an embedded database");
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /** Applies pending migrations; a database already at the latest version is left as is. */
    public MigrateResult migrate() {
        return flyway(dataSource).migrate();
    }

    /** The Flyway configuration every GenoVFL component uses for this schema. */
    public static Flyway flyway(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .failOnMissingLocations(true)
                .load();
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
            }
        }
    }
}
