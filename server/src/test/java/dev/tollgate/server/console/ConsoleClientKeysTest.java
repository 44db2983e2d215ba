package dev.tollgate.server.console;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.tollgate.core.admin.Actor;
import dev.tollgate.core.admin.ClientSpec;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;

import static dev.tollgate.server.TestServer.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private_key_jwt client's page: its keys by kid and RFC 7638 thumbprint, a pasted PEM public key
 * added, a pasted private key refused without being echoed, a key removed.
 */
class ConsoleClientKeysTest {

    private static TestServer server;
    private static ConsoleHttp console;
    private static ECKey key;
    private static String path;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.embedded();
        String generated = server.app().adminAccounts().bootstrap(TENANT).orElseThrow().password();
        console = new ConsoleHttp(server);
        console.login("admin", generated);
        console.changePassword(generated, "a long console password");
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ClientCredential client = server.app().adminOperations().clients().create(Actor.cli(TENANT), TENANT,
                new ClientSpec("signer", ScopeSet.of("users:read"), null, null, null, null, false,
                        ClientAuthMethod.PRIVATE_KEY_JWT, ClientKeys.inline(List.of(key.toPublicJWK())))).client();
        path = "/console/clients/" + client.clientId().value();
    }

    @AfterAll
    static void stop() {
        console.close();
        server.close();
    }

    @Test
    void clientPageWhenPrivateKeyJwtThenShowsKeysWithThumbprintsAndNoSecretRotation() throws Exception {
        HttpResponse<String> page = console.get(path);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("private_key_jwt").contains(key.computeThumbprint().toString())
                .contains("id=\"add-key-form\"").doesNotContain("id=\"rotate-form\"");
    }

    @Test
    void addKeyWhenAPemPublicKeyIsPastedThenAddedAndRemovable() throws Exception {
        ECKey next = new ECKeyGenerator(Curve.P_256).generate();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(next.toPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        String thumbprint = next.computeThumbprint().toString();

        HttpResponse<String> added = console.post(path + "/keys", "csrf", console.csrf(), "jwk", pem);
        assertThat(added.statusCode()).isEqualTo(303);
        assertThat(console.follow(added).body()).contains(thumbprint);

        HttpResponse<String> removed = console.post(path + "/keys/remove", "csrf", console.csrf(), "kid", thumbprint);
        assertThat(removed.statusCode()).isEqualTo(303);
        assertThat(console.get(path).body()).doesNotContain(thumbprint);
    }

    @Test
    void addKeyWhenAPrivateKeyIsPastedThenRefusedWithTheReasonAndNotEchoed() throws Exception {
        ECKey secret = new ECKeyGenerator(Curve.P_256).keyID("oops").generate();

        HttpResponse<String> refused = console.post(path + "/keys", "csrf", console.csrf(), "jwk", secret.toJSONString());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("private").doesNotContain(secret.getD().toString());
        assertThat(console.get(path).body()).doesNotContain("oops");
    }
}
