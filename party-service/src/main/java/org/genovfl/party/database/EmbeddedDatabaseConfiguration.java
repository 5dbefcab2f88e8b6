package org.genovfl.party.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.genovfl.db.PartyDatabase;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.files.PartyDataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Gives the party its own embedded PostgreSQL unless {@code spring.datasource.url} points
 * it at an external server. Data lives in {@code <data-directory>/postgres} and survives
 * restarts; Spring Boot's Flyway support migrates it at start-up either way. The server is
 * owner-only, password-protected and durable (see {@link PartyDatabase}); its password is in
 * {@code <data-directory>/keys/postgres.password}, beside the key vault's key.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoExternalDataSource.class)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    PartyDatabase partyDatabase(PartyProperties properties, PartyDataDirectory dataDirectory) {
        // The data directory (owner-only) is prepared first.
        var directory = dataDirectory.root().resolve("postgres");
        log.info("Starting embedded PostgreSQL with data in {}", directory.toAbsolutePath());
        return PartyDatabase.embedded(directory, properties.database().port());
    }

    /**
     * Pooled, as Spring Boot pools an external server's connections: unpooled, every
     * statement outside a transaction would open a PostgreSQL connection (a server process)
     * of its own. Closed before the database stops, since it depends on it.
     */
    @Bean
    HikariDataSource dataSource(PartyDatabase database) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("party-db");
        pool.setDataSource(database.dataSource());
        pool.setMaximumPoolSize(10);
        return new HikariDataSource(pool);
    }

    static final class NoExternalDataSource implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
