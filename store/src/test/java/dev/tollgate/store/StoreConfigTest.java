package dev.tollgate.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    @Test
    void embeddedWhenNoDirectoryGivenThenTheDataDirectory() {
        StoreConfig config = StoreConfig.embedded();

        assertThat(config.isEmbedded()).isTrue();
        assertThat(config.dataDirectory()).isEqualTo(Path.of("data"));
        assertThat(config.poolSize()).isEqualTo(StoreConfig.DEFAULT_POOL_SIZE);
    }

    @Test
    void embeddedUrlWhenBuiltThenAnAbsoluteH2FileWithAutoServer() {
        StoreConfig config = StoreConfig.embedded(Path.of("some", "..", "dir"));

        assertThat(config.connectionUrl()).isEqualTo(
                "jdbc:h2:file:" + Path.of("dir").toAbsolutePath() + "/tollgate;AUTO_SERVER=TRUE;WRITE_DELAY=0;TRACE_LEVEL_FILE=0");
        assertThat(config.isPostgres()).isFalse();
    }

    @Test
    void embeddedDirectoryWhenItHasASemicolonThenRefused() {
        assertThatThrownBy(() -> StoreConfig.embedded(Path.of("/tmp/x;INIT=RUNSCRIPT FROM 'evil'")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jdbcConfigWhenBuiltThenKeepsUrlUserAndPassword() {
        StoreConfig config = StoreConfig.jdbc("jdbc:postgresql://db:5432/tollgate", "tollgate", "s3cret")
                .withPoolSize(4);

        assertThat(config.isPostgres()).isTrue();
        assertThat(config.connectionUrl()).isEqualTo("jdbc:postgresql://db:5432/tollgate");
        assertThat(config.connectionUser()).isEqualTo("tollgate");
        assertThat(config.connectionPassword()).isEqualTo("s3cret");
        assertThat(config.poolSize()).isEqualTo(4);
    }

    @Test
    void describeAndToStringWhenPasswordSetThenNeverShowIt() {
        StoreConfig config = StoreConfig.jdbc(
                "jdbc:postgresql://admin:pw-in-url@db:5432/tollgate?password=pw-in-query&ssl=true", "tollgate",
                "s3cret");

        assertThat(config.describe()).isEqualTo("PostgreSQL at jdbc:postgresql://db:5432/tollgate as tollgate");
        assertThat(config.toString()).doesNotContain("s3cret", "pw-in-url", "pw-in-query").contains("****");
    }

    @Test
    void describeWhenAnotherJdbcUrlThenItsSettingsDropped() {
        assertThat(StoreConfig.jdbc("jdbc:h2:mem:x;PASSWORD=nope", null, null).describe()).isEqualTo("H2 at jdbc:h2:mem:x");
    }

    @Test
    void configWhenNotExactlyOneOfDirectoryAndUrlThenRefused() {
        assertThatThrownBy(() -> new StoreConfig(null, null, null, null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreConfig(Path.of("d"), "jdbc:h2:mem:x", null, null, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.jdbc("postgres://db/x", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void poolSizeWhenNotPositiveThenRefused() {
        assertThatThrownBy(() -> StoreConfig.embedded().withPoolSize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
