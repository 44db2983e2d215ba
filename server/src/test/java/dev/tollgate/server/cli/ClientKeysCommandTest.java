package dev.tollgate.server.cli;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.server.Administration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static dev.tollgate.server.cli.DataDir.DEFAULT_TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code client create --auth private_key_jwt --jwk-file F} and {@code client keys add|list|remove}. */
class ClientKeysCommandTest {

    @TempDir
    Path directory;

    private DataDir store;
    private ECKey key;

    @BeforeEach
    void bootstrap() throws Exception {
        store = new DataDir(directory.resolve("data"));
        store.bootstrap();
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    }

    @Test
    void clientCreateWhenPrivateKeyJwtWithAJwkFileThenNoSecretPrintedAndTheKeyStored() throws Exception {
        Path file = Files.writeString(directory.resolve("k1.jwk"), key.toPublicJWK().toJSONString());

        Cli.Run created = store.run("client", "create", "--name", "signer", "--scopes", "users:read",
                "--auth", "private_key_jwt", "--jwk-file", file.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).doesNotContain("client_secret").contains("auth method:    private_key_jwt")
                .contains(key.computeThumbprint().toString());
        ClientCredential client = onlyClientNamed("signer");
        assertThat(client.authMethods()).containsExactly(ClientAuthMethod.PRIVATE_KEY_JWT);
        assertThat(client.secrets()).isEmpty();
        assertThat(client.keys().inlineKeys()).extracting(k -> k.getKeyID()).containsExactly("k1");
    }

    @Test
    void clientKeysWhenAddedFromPemListedAndRemovedThenTheClientHasJustTheNewKey() throws Exception {
        Path jwk = Files.writeString(directory.resolve("k1.jwk"), new JWKSet(key.toPublicJWK()).toString());
        store.run("client", "create", "--name", "rotating", "--scopes", "users:read", "--auth", "private_key_jwt",
                "--jwk-file", jwk.toString());
        String id = onlyClientNamed("rotating").clientId().value();
        ECKey next = new ECKeyGenerator(Curve.P_256).generate();
        Path pem = Files.writeString(directory.resolve("next.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(next.toPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");

        Cli.Run added = store.run("client", "keys", "add", "--client-id", id, "--jwk-file", pem.toString());
        Cli.Run listed = store.run("client", "keys", "list", "--client-id", id);
        Cli.Run removed = store.run("client", "keys", "remove", "--client-id", id, "--kid", "k1");

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(listed.out()).contains("k1").contains(next.computeThumbprint().toString());
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(onlyClientNamed("rotating").keys().inlineKeys()).extracting(k -> k.getKeyID())
                .containsExactly(next.computeThumbprint().toString());
    }

    @Test
    void clientCreateWhenTheFileHoldsAPrivateKeyThenRefusedAndNothingCreated() throws Exception {
        Path file = Files.writeString(directory.resolve("private.jwk"), key.toJSONString());

        Cli.Run refused = store.run("client", "create", "--name", "leaky", "--auth", "private_key_jwt",
                "--jwk-file", file.toString());

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("private");
        assertThat(refused.err()).doesNotContain(key.getD().toString());
        assertThat(store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals("leaky"))).isEmpty();
    }

    @Test
    void clientCreateWhenJwksUriIsLoopbackThenRefusedByDefault() {
        Cli.Run refused = store.run("client", "create", "--name", "remote", "--auth", "private_key_jwt",
                "--jwks-uri", "https://127.0.0.1/jwks");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("non-public");
    }

    private ClientCredential onlyClientNamed(String name) {
        List<ClientCredential> named = store.with(app -> Administration.of(app).clients.list(DEFAULT_TENANT)).stream()
                .filter(c -> c.name().equals(name)).toList();
        assertThat(named).hasSize(1);
        return named.get(0);
    }
}
