package org.genovfl.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
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
 * <p>The embedded server is private to the process that starts it: its data directory is
 * owner-only (0700), it opens no Unix socket (so no world-writable socket directory is
 * involved) and listens on 127.0.0.1 only, where every connection must authenticate with
 * SCRAM-SHA-256 as {@code postgres} with a random password generated on first start and kept
 * owner-only in a file outside the data directory. Commits are durable ({@code fsync} and
 * {@code synchronous_commit} on), so a committed import survives an OS crash or power loss.
 * A server left running by a killed JVM on the same data directory is stopped before the new
 * one starts ({@link OrphanedServer}).
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

    /** The superuser the embedded server is initialised with, and the only role it has. */
    public static final String SUPERUSER = "postgres";

    /** pg_hba.conf of an embedded server: TCP on loopback, password (SCRAM) only; no Unix socket is opened. */
    static final List<String> HOST_BASED_AUTHENTICATION = List.of(
            "# Written by GenoVFL: TCP on loopback only, every connection authenticates with SCRAM-SHA-256.",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host replication all 127.0.0.1/32 scram-sha-256");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final String password;

    private PartyDatabase(DataSource dataSource, EmbeddedPostgres embedded, String password) {
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.password = password;
    }

    /**
     * Starts (or restarts) an embedded PostgreSQL keeping its data in {@code dataDirectory}
     * and its password in {@link #defaultPasswordFile(Path)}.
     *
     * @see #embedded(Path, int, Path)
     */
    public static PartyDatabase embedded(Path dataDirectory, int port) {
        return embedded(dataDirectory, port, defaultPasswordFile(dataDirectory));
    }

    /**
     * {@code <parent>/keys/<name>.password} for a data directory {@code <parent>/<name>}: beside
     * a party's key vault key, outside the data directory (so not in a copy of it).
     */
    public static Path defaultPasswordFile(Path dataDirectory) {
        Path absolute = dataDirectory.toAbsolutePath();
        return absolute.resolveSibling("keys").resolve(absolute.getFileName() + ".password");
    }

    /**
     * Starts (or restarts) an embedded PostgreSQL keeping its data in {@code dataDirectory}.
     *
     * @param dataDirectory created if absent, made owner-only; an existing cluster in it is
     *     reused, not wiped. One made by an older GenoVFL (trusting local connections) gets a
     *     password and password authentication on its first start here.
     * @param port TCP port on loopback, or 0 for any free port
     * @param passwordFile the superuser's password, owner-only; created with a random password
     *     together with a new cluster
     * @throws UncheckedIOException if the server cannot be started
     * @throws IllegalStateException if another live process uses {@code dataDirectory}
     */
    public static PartyDatabase embedded(Path dataDirectory, int port, Path passwordFile) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(passwordFile, "passwordFile");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        try {
            OwnerOnly.createDirectories(dataDirectory);
            OwnerOnly.createDirectories(passwordFile.toAbsolutePath().getParent());
            OrphanedServer.stopIfAny(dataDirectory);
            Path binaries = dataDirectory.toAbsolutePath().getParent();
            OrphanedServer.removeUnfinishedBinaries(binaries);
            boolean newCluster = !Files.exists(dataDirectory.resolve("postgresql.conf"));
            boolean migrating = !newCluster && !Files.exists(passwordFile);
            String password = Files.exists(passwordFile) ? OwnerOnly.readString(passwordFile).strip() : randomPassword();
            if (newCluster && !Files.exists(passwordFile)) {
                OwnerOnly.writeString(passwordFile, password);
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // Installing the binaries under the data directory's parent keeps a
                    // party's files in one place and avoids a shared /tmp.
                    .setOverrideWorkingDirectory(binaries.toFile())
                    // initdb: the superuser gets the password, and password authentication
                    // replaces the "trust" the library asks for (the later option wins).
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                    .setConnectConfig("password", password)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // No Unix socket at all (the default directory, /tmp, is world-writable).
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // Durable commits: these override the library's -F (fsync off) and its
                    // synchronous_commit=off, which trade crash safety for test speed.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setDataDirectoryCustomizer(directory -> {
                        if (!migrating) {
                            writeHostBasedAuthentication(directory.toPath());
                        }
                    });
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = OwnerOnly.keepingPermissions(binaries, builder::start);
            if (migrating) {
                requirePasswordFromNowOn(postgres, password, dataDirectory, passwordFile);
            }
            return new PartyDatabase(postgres.getPostgresDatabase(), postgres, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * A cluster from before password authentication still trusts loopback connections, so this
     * start connected without a password: give the superuser one, then switch pg_hba.conf to
     * password authentication and reload it. The cluster trusted every local user until now;
     * it stops doing so here, once.
     */
    private static void requirePasswordFromNowOn(EmbeddedPostgres postgres, String password, Path dataDirectory,
            Path passwordFile) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            // Random base64url: no quote can occur in it.
            statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'");
            // Only now: a crash before this line leaves the cluster as it was, to migrate again.
            OwnerOnly.writeString(passwordFile, password);
            writeHostBasedAuthentication(dataDirectory);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            postgres.close();
            throw new IOException("cannot set a password on the existing cluster in " + dataDirectory, e);
        }
    }

    private static void writeHostBasedAuthentication(Path dataDirectory) {
        try {
            OwnerOnly.writeString(dataDirectory.resolve("pg_hba.conf"),
                    String.join("\n", HOST_BASED_AUTHENTICATION) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + dataDirectory, e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
        return new PartyDatabase(ds, null, password);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The superuser's password of the embedded server, for tools and child processes. */
    public String password() {
        if (embedded == null) {
            throw new IllegalStateException("password() is only known for an embedded database");
        }
        return password;
    }

    /** JDBC URL of the embedded server, for tools and child processes. */
    public String jdbcUrl() {
        if (embedded == null) {
            throw new IllegalStateException("jdbcUrl() is only known for an embedded database");
        }
        return embedded.getJdbcUrl(SUPERUSER, "postgres");
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
