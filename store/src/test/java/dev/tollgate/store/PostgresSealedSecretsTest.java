package dev.tollgate.store;

import org.junit.jupiter.api.AfterEach;

/** Sealed secrets on PostgreSQL: a fresh database per test (see {@link PostgresTestDatabase}). */
class PostgresSealedSecretsTest extends SealedSecretsContract {

    private PostgresTestDatabase database;

    @Override
    protected StoreConfig freshDatabase() {
        database = PostgresTestDatabase.create();
        return database.storeConfig();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }
}
