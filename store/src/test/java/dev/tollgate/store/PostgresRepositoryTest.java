package dev.tollgate.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository contract on PostgreSQL: a fresh database for the class (see {@link PostgresTestDatabase}). */
class PostgresRepositoryTest extends RepositoryContract {

    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
        // Goes to target/surefire-reports/*-output.txt, not the console: a record of which server ran the suite.
        System.out.println("PostgreSQL tests on " + PostgresTestDatabase.serverDescription() + ", database "
                + database.name());
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected StoreConfig config() {
        return database.storeConfig();
    }

    @Test
    void databaseWhenSystemPropertyNamesAServerThenLivesOnThatServer() {
        String mode = System.getProperty(PostgresTestDatabase.MODE_PROPERTY, "");
        if (mode.equals("embedded")) {
            assertThat(PostgresTestDatabase.isEmbedded()).as(PostgresTestDatabase.serverDescription()).isTrue();
        } else if (mode.equals("local")) {
            assertThat(PostgresTestDatabase.isEmbedded()).as(PostgresTestDatabase.serverDescription()).isFalse();
        }
    }

    @Test
    void describeWhenPostgresThenNamesPostgresAndTheDatabase() {
        assertThat(store.describe()).startsWith("PostgreSQL at jdbc:postgresql://").contains(database.name());
        if (database.password() != null) {
            assertThat(store.describe()).doesNotContain(database.password());
        }
    }
}
