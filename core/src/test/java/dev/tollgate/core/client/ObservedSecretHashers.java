package dev.tollgate.core.client;

import java.util.function.IntConsumer;

/** Hashers whose MACs tests in other packages can count, to compare the work two paths do. */
public final class ObservedSecretHashers {

    private ObservedSecretHashers() {
    }

    /** @param macObserver told the input length of every MAC the hasher computes */
    public static SecretHasher observed(byte[] key, IntConsumer macObserver) {
        return new SecretHasher(key, macObserver);
    }
}
