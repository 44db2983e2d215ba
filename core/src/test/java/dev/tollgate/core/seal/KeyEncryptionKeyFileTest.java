package dev.tollgate.core.seal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyEncryptionKeyFileTest {

    @TempDir
    Path temp;

    @Test
    void createWhenAbsentThenOwnerOnlyFileThatReadsBackTheSameKey() throws Exception {
        KeyEncryptionKeyFile file = new KeyEncryptionKeyFile(temp.resolve("sub/tollgate.kek"));
        assertThat(file.existing()).isEmpty();

        KeyEncryptionKey created = file.create();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file()))).isEqualTo("rw-------");
        assertThat(file.existing()).get().extracting(KeyEncryptionKey::id).isEqualTo(created.id());
        try (var left = Files.list(file.file().getParent())) {
            assertThat(left).containsExactly(file.file());
        }
    }

    @Test
    void createWhenFileAlreadyThereThenKeepsAndReturnsThatKey() {
        KeyEncryptionKeyFile file = new KeyEncryptionKeyFile(temp.resolve("tollgate.kek"));
        KeyEncryptionKey first = file.create();

        assertThat(file.create().id()).isEqualTo(first.id());
    }

    @Test
    void existingWhenGroupOrOthersCanReadThenRefused() throws Exception {
        KeyEncryptionKeyFile file = new KeyEncryptionKeyFile(temp.resolve("tollgate.kek"));
        file.create();
        for (String permissions : new String[] {"rw-r-----", "rw----r--", "rw--w----"}) {
            Files.setPosixFilePermissions(file.file(), PosixFilePermissions.fromString(permissions));

            assertThatThrownBy(file::existing).as(permissions)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("accessible to other users").hasMessageContaining("chmod 600");
        }
    }

    @Test
    void existingWhenFileHoldsNoKeyThenRefusedWithoutEchoingIt() throws Exception {
        Path path = temp.resolve("tollgate.kek");
        Files.writeString(path, "password123");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(new KeyEncryptionKeyFile(path)::existing)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a key").hasMessageNotContaining("password123");
    }
}
