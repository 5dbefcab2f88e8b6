package org.genovfl.party.ingest;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.genovfl.db.PartyDatabase;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** A migrated embedded PostgreSQL for the ingest tests, with what the importers need. */
public final class IngestDatabase implements AutoCloseable {

    public final PartyDatabase database;
    public final DataSource dataSource;
    public final JdbcClient jdbc;
    public final DataSourceTransactionManager transactions;
    public final PatientStore patients;

    public IngestDatabase(Path directory) {
        database = PartyDatabase.embedded(directory.resolve("pg"), 0);
        database.migrate();
        dataSource = database.dataSource();
        jdbc = JdbcClient.create(dataSource);
        transactions = new DataSourceTransactionManager(dataSource);
        patients = new PatientStore(dataSource);
    }

    public long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    @Override
    public void close() {
        database.close();
    }
}
