package dev.tollgate.server.cli;

import dev.tollgate.core.seal.KeyEncryptionKey;
import dev.tollgate.core.seal.KeyEncryptionKeyFile;
import dev.tollgate.server.ServerConfig;
import dev.tollgate.store.JdbcStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;

@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "The key-encryption key that seals the store's secrets (signing keys, TOTP seeds, installation keys).",
        subcommands = {SecretsCommand.RotateKek.class})
final class SecretsCommand {

    @Command(name = "rotate-kek", mixinStandardHelpOptions = true,
            description = {"Re-seal every secret in the store under a new key-encryption key, in one transaction:"
                    + " until it commits the secrets stay readable under the current key, and if it fails nothing changed.",
                    "Stop every server first: a node still holding the old key can't read the re-sealed secrets."
                    + " Then give every node the new key (kek.file or TOLLGATE_KEK_BASE64) and start them."})
    static final class RotateKek implements Callable<Integer> {

        /** Where the new key comes from: a file (created owner-only if absent) or an environment variable. */
        static final class NewKey {
            @Option(names = "--new-kek-file", paramLabel = "FILE", required = true,
                    description = "File holding the new key; created with a fresh random key, mode 600, if absent.")
            Path file;

            @Option(names = "--new-kek-env", paramLabel = "VARIABLE", required = true,
                    description = "Environment variable holding the new key, base64 of 32 bytes.")
            String variable;
        }

        @Mixin
        StoreOptions store;

        @ArgGroup(multiplicity = "1")
        NewKey newKey;

        @Spec
        CommandSpec spec;

        /** The environment, replaceable by tests. */
        Function<String, String> environment = System::getenv;

        @Override
        public Integer call() {
            ServerConfig config = store.load().server();
            KeyEncryptionKey next = newKey();
            PrintWriter out = spec.commandLine().getOut();
            try (JdbcStore opened = JdbcStore.open(config.store(), config.keyEncryptionKeySource())) {
                String previous = opened.keyEncryptionKeyId();
                if (previous.equals(next.id())) {
                    throw new ParameterException(spec.commandLine(), "the store's secrets are already sealed under key "
                            + next.id() + "; give a new key");
                }
                int resealed = opened.rotateKeyEncryptionKey(next);
                out.println("Re-sealed " + resealed + " secrets under key-encryption key " + next.id()
                        + " (was " + previous + ").");
                out.println("Configure every node with the new key ("
                        + (newKey.file != null ? "kek.file=" + newKey.file.toAbsolutePath().normalize()
                                : "TOLLGATE_KEK_BASE64 from " + newKey.variable)
                        + ") before starting it; then destroy the old key.");
            }
            out.flush();
            return 0;
        }

        /** Read, or created, before anything is re-sealed: no row is ever under a key not yet kept. */
        private KeyEncryptionKey newKey() {
            try {
                if (newKey.file != null) {
                    KeyEncryptionKeyFile file = new KeyEncryptionKeyFile(newKey.file);
                    return file.existing().orElseGet(file::create);
                }
                String value = environment.apply(newKey.variable);
                if (value == null || value.isBlank()) {
                    throw new ParameterException(spec.commandLine(), "environment variable " + newKey.variable + " is not set");
                }
                return KeyEncryptionKey.fromBase64(value);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
    }
}
