package dev.tollgate.core.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The KEK in a file of its own, one line of base64, readable by its owner only. It is kept apart
 * from the database (and from the embedded store's data directory), so that a backup of the
 * database does not carry the key that opens it.
 */
public record KeyEncryptionKeyFile(Path file) implements KeyEncryptionKeySource {

    private static final Set<PosixFilePermission> SHARED = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** @param file absolute or relative to the working directory; kept absolute */
    public KeyEncryptionKeyFile {
        file = file.toAbsolutePath().normalize();
    }

    /**
     * @throws IllegalStateException when the file is readable by others than its owner, can't be
     *                               read, or doesn't hold a key
     */
    @Override
    public Optional<KeyEncryptionKey> existing() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (posix()) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.stream().anyMatch(SHARED::contains)) {
                    throw new IllegalStateException("key-encryption key file " + file + " is accessible to other users ("
                            + PosixFilePermissions.toString(permissions) + "); chmod 600 it, and consider the key"
                            + " exposed if others could read it");
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the permissions of key-encryption key file " + file, e);
            }
        }
        try {
            return Optional.of(KeyEncryptionKey.fromBase64(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read key-encryption key file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("key-encryption key file " + file + " does not hold a key: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes a new random KEK, owner-only from the moment the file exists; never overwrites one. The
     * key is written to a temporary file and hard-linked into place, so a process that starts at the
     * same moment sees either no file or a complete one.
     */
    @Override
    public KeyEncryptionKey create() {
        KeyEncryptionKey key = KeyEncryptionKey.generate(new SecureRandom());
        Path parent = file.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(parent);
            temporary = posix()
                    ? Files.createTempFile(parent, ".tollgate-kek", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(parent, ".tollgate-kek", ".tmp");
            Files.writeString(temporary, key.toBase64() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.createLink(file, temporary);
            return key;
        } catch (FileAlreadyExistsException e) {
            // Another process created it a moment ago: use that one, so both seal under the same key.
            return existing().orElseThrow(() -> new IllegalStateException("key-encryption key file " + file
                    + " appeared and vanished", e));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot create key-encryption key file " + file + ": " + e, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // A stray temporary file holds a key nothing uses; owner-only like the real one.
                }
            }
        }
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
