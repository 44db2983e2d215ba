package dev.tollgate.core.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHasherTest {

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private final SecretHasher hasher = new SecretHasher(key(7));

    @Test
    void matchesWhenTheSameSecretThenSucceeds() {
        ClientSecret secret = ClientSecret.generate();

        SecretHash hash = hasher.hash(secret);

        assertThat(hash.algorithm()).isEqualTo(SecretHash.HMAC_SHA256);
        assertThat(hasher.matches(secret.reveal(), hash)).isTrue();
    }

    @Test
    void hashWhenComputedThenAnUnpaddedBase64HmacSha256WithoutTheSecret() {
        ClientSecret secret = ClientSecret.generate();

        SecretHash hash = hasher.hash(secret);

        assertThat(hash.value()).hasSize(43).doesNotContain("=").doesNotContain(secret.reveal());
    }

    @Test
    void hashWhenTheSameSecretThenTheSameEachTime() {
        ClientSecret secret = ClientSecret.generate();

        assertThat(hasher.hash(secret)).isEqualTo(hasher.hash(secret));
    }

    @Test
    void matchWhenWrongSecretThenFalse() {
        SecretHash hash = hasher.hash(ClientSecret.generate());

        assertThat(hasher.matches(ClientSecret.generate().reveal(), hash)).isFalse();
    }

    @Test
    void matchWhenSecretDiffersInOneCharacterThenFalse() {
        ClientSecret secret = ClientSecret.generate();
        String value = secret.reveal();
        String altered = value.substring(0, 42) + (value.charAt(42) == 'A' ? 'B' : 'A');

        assertThat(hasher.matches(altered, hasher.hash(secret))).isFalse();
    }

    @Test
    void matchWhenHashedUnderAnotherKeyThenFalse() {
        ClientSecret secret = ClientSecret.generate();
        SecretHash hashedElsewhere = new SecretHasher(key(8)).hash(secret);

        assertThat(hasher.matches(secret.reveal(), hashedElsewhere)).isFalse();
    }

    @Test
    void matchWhenAlgorithmTagUnknownThenFalseEvenForTheRightValue() {
        ClientSecret secret = ClientSecret.generate();
        SecretHash right = hasher.hash(secret);

        assertThat(hasher.matches(secret.reveal(), new SecretHash("bcrypt$" + right.value()))).isFalse();
        assertThat(hasher.matches(secret.reveal(), new SecretHash("HMAC-SHA256$" + right.value()))).isFalse();
    }

    @Test
    void matchWhenStoredValueIsMalformedBase64ThenFalse() {
        assertThat(hasher.matches("anything", new SecretHash("hmac-sha256$!!not*base64!!"))).isFalse();
        assertThat(hasher.matches("anything", new SecretHash("hmac-sha256$a"))).isFalse();
    }

    @Test
    void matchWhenStoredValueIsTruncatedThenFalse() {
        ClientSecret secret = ClientSecret.generate();
        SecretHash right = hasher.hash(secret);

        assertThat(hasher.matches(secret.reveal(), new SecretHash("hmac-sha256$" + right.value().substring(0, 40))))
                .isFalse();
    }

    @Test
    void matchWhenPresentedSecretIsNullThenFalse() {
        assertThat(hasher.matches(null, hasher.hash(ClientSecret.generate()))).isFalse();
    }

    @Test
    void matchWhenPresentedSecretIsEmptyThenFalse() {
        assertThat(hasher.matches("", hasher.hash(ClientSecret.generate()))).isFalse();
    }

    @Test
    void matchesAnyWhenTwoCandidatesThenOneMacAndEitherSecretMatches() {
        List<Integer> macs = new ArrayList<>();
        SecretHasher observed = new SecretHasher(new byte[32], macs::add);
        ClientSecret previous = ClientSecret.generate();
        ClientSecret current = ClientSecret.generate();
        List<SecretHash> candidates = List.of(observed.hash(previous), observed.hash(current));
        macs.clear();

        assertThat(observed.matchesAny(previous.reveal(), candidates)).isTrue();
        assertThat(observed.matchesAny(current.reveal(), candidates)).isTrue();
        assertThat(observed.matchesAny(ClientSecret.generate().reveal(), candidates)).isFalse();

        // A rotation's second secret costs a compare, not a second MAC: the work does not depend on it.
        assertThat(macs).hasSize(3);
    }

    @Test
    void matchesAnyWhenNothingPresentedThenStillOneMacAndNoMatch() {
        List<Integer> macs = new ArrayList<>();
        SecretHasher observed = new SecretHasher(new byte[32], macs::add);
        List<SecretHash> candidates = List.of(observed.hash(ClientSecret.generate()));
        macs.clear();

        assertThat(observed.matchesAny(null, candidates)).isFalse();
        assertThat(observed.matchesAny("", candidates)).isFalse();
        assertThat(observed.matchesAny(null, List.of())).isFalse();

        assertThat(macs).containsExactly(0, 0, 0);
    }

    @Test
    void hasherWhenKeyShorterThan32BytesThenRefused() {
        assertThatThrownBy(() -> new SecretHasher(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret hashing key must be at least 32 bytes");
    }

    @Test
    void hasherWhenKeyNullThenRefused() {
        assertThatThrownBy(() -> new SecretHasher(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret hashing key must be at least 32 bytes");
    }

    @Test
    void hashWhenSharedByManyThreadsThenTheSameHashesAsOneThread() throws Exception {
        int secretsCount = 64;
        List<ClientSecret> secrets = new ArrayList<>();
        List<SecretHash> expected = new ArrayList<>();
        for (int i = 0; i < secretsCount; i++) {
            ClientSecret secret = ClientSecret.generate();
            secrets.add(secret);
            expected.add(new SecretHasher(key(7)).hash(secret));
        }
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<Integer> work = () -> {
                    start.await();
                    int mismatches = 0;
                    for (int round = 0; round < 200; round++) {
                        int i = (offset + round) % secretsCount;
                        if (!hasher.hash(secrets.get(i)).equals(expected.get(i))) {
                            mismatches++;
                        }
                        if (!hasher.matches(secrets.get(i).reveal(), expected.get(i))) {
                            mismatches++;
                        }
                        if (hasher.matches(secrets.get((i + 1) % secretsCount).reveal(), expected.get(i))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
