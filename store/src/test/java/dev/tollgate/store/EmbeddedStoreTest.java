package dev.tollgate.store;

import dev.tollgate.core.store.StoreException;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the embedded store does: its directory, and sharing it with a second process. */
class EmbeddedStoreTest {

    @TempDir
    Path temp;

    @Test
    void openWhenNoDataDirectoryThenCreatedForItsOwnerOnly() throws IOException {
        Path directory = temp.resolve("nested").resolve("data");

        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(directory), TestKek.SHARED)) {
            assertThat(store.describe()).endsWith(directory.toString());
            assertThat(directory).isDirectory();
            assertThat(directory.resolve("tollgate.mv.db")).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        }
    }

    @Test
    void openWhenDirectoryExistsThenTheDatabaseFileMadeOwnerOnly() throws IOException {
        Path directory = Files.createDirectory(temp.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(directory), TestKek.SHARED)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("tollgate.mv.db"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void openEmbeddedWhenSharingThenThePortBoundToLoopbackOnly() throws IOException {
        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(temp.resolve("bind")), TestKek.SHARED)) {
            assertThat(System.getProperty("h2.bindAddress")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void openWhenTheDataDirectoryIsAFileThenStoreException() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> JdbcStore.open(StoreConfig.embedded(file), TestKek.SHARED)).isInstanceOf(StoreException.class);
    }

    @Test
    void openWhenAnotherProcessHasTheDirectoryOpenThenBothShareIt() throws Exception {
        Path directory = temp.resolve("data");
        try (JdbcStore store = JdbcStore.open(StoreConfig.embedded(directory), TestKek.defaultFile(StoreConfig.embedded(directory)))) {
            store.tenants().insert(new Tenant(TenantId.of("server"), null, TenantSettings.DEFAULTS, Instant.now()));

            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process cli = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classPath, EmbeddedStoreProbe.class.getName(), directory.toString(), "cli")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as(output).isZero();

            assertThat(output.lines().toList()).as(output).containsSubsequence(List.of("cli", "server"));
            assertThat(store.tenants().find(TenantId.of("cli"))).isPresent();
        }
    }
}
