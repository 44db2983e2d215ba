package dev.tollgate.server;

import dev.tollgate.core.admin.TestAdministration;
import dev.tollgate.core.cache.DirectoryInvalidation;
import dev.tollgate.core.client.SecretHasher;

/**
 * The writers behind a running {@link Tollgate}'s {@code AdminOperations}, for tests that set up
 * tenants, clients and keys without an actor: the same secret-hashing key and the same cache
 * invalidation as the server, so what they write is what the server sees.
 */
public final class Administration {

    private Administration() {
    }

    public static TestAdministration of(Tollgate app) {
        byte[] key = app.store().installation().find(Tollgate.SECRET_HASH_KEY).orElseThrow();
        return new TestAdministration(app.store(), new SecretHasher(key), new DirectoryInvalidation(app.directory()),
                app.clock());
    }
}
