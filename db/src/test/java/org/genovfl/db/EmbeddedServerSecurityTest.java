package org.genovfl.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server is private to its owner and durable: what an outside probe found open
 * (trust authentication, a world-writable socket, a readable data directory, fsync off) and
 * what a JVM killed with SIGKILL left behind (a server still running on the data directory).
 */
class EmbeddedServerSecurityTest {

    @TempDir
    Path root;

    @Test
    void serverIsOwnerOnlyPasswordProtectedAndDurable() throws Exception {
        Path dataDirectory = root.resolve("pg");
        assertThat(mode(root)).isEqualTo("rwx------");
        try (PartyDatabase db = PartyDatabase.embedded(dataDirectory, 0)) {
            assertThat(mode(dataDirectory)).isEqualTo("rwx------");
            // The library makes the directory it installs its binaries in (here the parent)
            // writable by everyone; the party's directory must stay owner-only.
            assertThat(mode(root)).isEqualTo("rwx------");
            Path passwordFile = PartyDatabase.defaultPasswordFile(dataDirectory);
            assertThat(passwordFile).isEqualTo(root.resolve("keys/pg.password").toAbsolutePath());
            assertThat(mode(passwordFile)).isEqualTo("rw-------");
            assertThat(mode(passwordFile.getParent())).isEqualTo("rwx------");
            assertThat(Files.readString(passwordFile).strip()).isEqualTo(db.password()).hasSizeGreaterThanOrEqualTo(40);

            assertThat(setting(db, "fsync")).isEqualTo("on");
            assertThat(setting(db, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(db, "full_page_writes")).isEqualTo("on");
            assertThat(setting(db, "unix_socket_directories")).isEmpty();
            assertThat(setting(db, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(Files.readString(dataDirectory.resolve("pg_hba.conf"))).doesNotContain("trust");

            assertThatThrownBy(() -> connect(db, null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(db, "not-the-password"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            try (Connection connection = connect(db, db.password())) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }
        // Restart: the same password still opens it.
        try (PartyDatabase db = PartyDatabase.embedded(dataDirectory, 0)) {
            assertThat(setting(db, "fsync")).isEqualTo("on");
        }
    }

    @Test
    void clusterOfAnOlderVersionTrustingLocalUsersGetsAPasswordOnFirstStart() throws Exception {
        Path dataDirectory = root.resolve("old");
        // As GenoVFL made it before: the library's defaults, trusting every local connection.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false).setOverrideWorkingDirectory(root.toFile()).start();
                Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (id int)");
            s.execute("INSERT INTO kept VALUES (42)");
        }
        assertThat(Files.readString(dataDirectory.resolve("pg_hba.conf"))).contains("trust");

        for (int start = 0; start < 2; start++) {
            try (PartyDatabase db = PartyDatabase.embedded(dataDirectory, 0);
                    Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
                assertThatThrownBy(() -> connect(db, null)).as("start %d", start).isInstanceOf(SQLException.class);
                assertThat(mode(PartyDatabase.defaultPasswordFile(dataDirectory))).isEqualTo("rw-------");
                assertThat(Files.readString(dataDirectory.resolve("pg_hba.conf"))).doesNotContain("trust");
            }
        }
    }

    @Test
    void passwordFileReadableByOthersIsRefused() throws Exception {
        Path dataDirectory = root.resolve("pg");
        try (PartyDatabase db = PartyDatabase.embedded(dataDirectory, 0)) {
            assertThat(db.password()).isNotEmpty();
        }
        Path passwordFile = PartyDatabase.defaultPasswordFile(dataDirectory);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PartyDatabase.embedded(dataDirectory, 0))
                .hasRootCauseMessage(passwordFile + " may be read or changed by others (rw-r--r--);"
                        + " allow its owner only (chmod 600)");
    }

    @Test
    void serverLeftRunningByAKilledJvmIsStoppedOnTheNextStart() throws Exception {
        Path dataDirectory = root.resolve("pg");
        Process owner = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartAndWait.class.getName(), dataDirectory.toString()))
                .redirectErrorStream(true).start();
        long orphanPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(StartAndWait.READY)) {
                // the child's start-up log
            }
            assertThat(line).as("child JVM started its database").isEqualTo(StartAndWait.READY);
            orphanPid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
            owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(owner.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ProcessHandle.of(orphanPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        try (PartyDatabase db = PartyDatabase.embedded(dataDirectory, 0);
                Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id FROM committed_before_the_kill")) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }

    /** Run in a child JVM: starts the database, commits a row, says so and waits to be killed. */
    public static final class StartAndWait {
        static final String READY = "database ready";

        public static void main(String[] args) throws Exception {
            PartyDatabase db = PartyDatabase.embedded(Path.of(args[0]), 0);
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE committed_before_the_kill (id int)");
                s.execute("INSERT INTO committed_before_the_kill VALUES (7)");
            }
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static String setting(PartyDatabase db, String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection connect(PartyDatabase db, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", PartyDatabase.SUPERUSER);
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(db.jdbcUrl().replace("localhost", "127.0.0.1").replaceAll("\\?.*", ""),
                properties);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
