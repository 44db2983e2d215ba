package dev.tollgate.store;

import java.util.UUID;

/** Sealed secrets on the embedded store: an H2 file database in a fresh directory per test. */
class H2SealedSecretsTest extends SealedSecretsContract {

    @Override
    protected StoreConfig freshDatabase() {
        return StoreConfig.embedded(temp.resolve("data-" + UUID.randomUUID()));
    }
}
