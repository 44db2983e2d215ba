package dev.tollgate.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository contract on the embedded store: an H2 file database in a fresh directory. */
class H2RepositoryTest extends RepositoryContract {

    @TempDir
    static Path directory;

    @Override
    protected StoreConfig config() {
        return StoreConfig.embedded(directory.resolve("data"));
    }

    @Test
    void describeWhenEmbeddedThenNamesTheEmbeddedStoreAndItsDirectory() {
        assertThat(store.describe()).isEqualTo("embedded H2 at " + directory.resolve("data").toAbsolutePath());
    }
}
