package org.genovfl.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.demo.DemoNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code spring.datasource.url} points a party at an external PostgreSQL: the party
 * migrates that server's database and starts no embedded one of its own.
 */
class ExternalDatabaseIT {

    @TempDir
    Path directory;

    @Test
    void partyUsesTheConfiguredServerInsteadOfItsEmbeddedOne() {
        // A separate PostgreSQL server standing in for the organisation's own.
        try (PartyDatabase external = PartyDatabase.embedded(directory.resolve("external-server"), 0)) {
            Map<PartyRole, Integer> ports = new EnumMap<>(Map.of(PartyRole.HOSPITAL, 0, PartyRole.LAB, 0,
                    PartyRole.COORDINATOR, 0));
            DemoNetwork network = DemoNetwork.openOrCreate(directory.resolve("network"), ports);
            try (ConfigurableApplicationContext hospital = new SpringApplicationBuilder(PartyServiceApplication.class)
                    .properties("spring.config.additional-location=file:" + network.propertiesFile(PartyRole.HOSPITAL),
                            "server.port=0",
                            "spring.datasource.url=" + external.jdbcUrl(),
                            "spring.datasource.username=postgres",
                            "spring.datasource.password=" + external.password())
                    .run()) {
                String self = JdbcClient.create(external.dataSource())
                        .sql("SELECT organisation_name FROM party WHERE is_self").query(String.class).single();
                assertThat(self).isEqualTo(DemoNetwork.ORGANISATIONS.get(PartyRole.HOSPITAL));
                assertThat(hospital.containsBean("partyDatabase")).isFalse();
                assertThat(directory.resolve("network/data/hospital/postgres")).doesNotExist();
            }
        }
    }

    /**
     * As docker/compose.yaml configures a party: the password is no property value but a file
     * named {@code spring.datasource.password} in a directory imported as a config tree (a
     * mounted secret), so it never appears in the environment or on a command line.
     */
    @Test
    void databasePasswordComesFromAMountedSecretFile() throws Exception {
        try (PartyDatabase external = PartyDatabase.embedded(directory.resolve("external-server"), 0)) {
            Map<PartyRole, Integer> ports = new EnumMap<>(Map.of(PartyRole.HOSPITAL, 0, PartyRole.LAB, 0,
                    PartyRole.COORDINATOR, 0));
            DemoNetwork network = DemoNetwork.openOrCreate(directory.resolve("network"), ports);
            Path secrets = Files.createDirectories(directory.resolve("run-secrets"));
            // As the engine mounts it: the password alone, without a line break.
            Files.writeString(secrets.resolve("spring.datasource.password"), external.password());
            try (ConfigurableApplicationContext lab = new SpringApplicationBuilder(PartyServiceApplication.class)
                    .properties("spring.config.additional-location=file:" + network.propertiesFile(PartyRole.LAB),
                            "spring.config.import=configtree:" + secrets.toAbsolutePath() + "/",
                            "server.port=0",
                            "spring.datasource.url=" + external.jdbcUrl(),
                            "spring.datasource.username=postgres")
                    .run()) {
                String self = JdbcClient.create(external.dataSource())
                        .sql("SELECT organisation_name FROM party WHERE is_self").query(String.class).single();
                assertThat(self).isEqualTo(DemoNetwork.ORGANISATIONS.get(PartyRole.LAB));
                assertThat(lab.getEnvironment().getProperty("spring.datasource.password")).isEqualTo(external.password());
            }
        }
    }
}
