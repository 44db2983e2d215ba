package dev.tollgate.server.cli;

import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.key.KeyState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's changes from the command line go through the same audited operations as the
 * console's: each leaves an event naming {@code cli}, written with the change.
 */
class OperatorAuditTest {

    @TempDir
    Path directory;

    @Test
    void operatorCommandsWhenRunThenEachChangeIsAuditedAsCli() {
        DataDir data = new DataDir(directory.resolve("data"));
        data.bootstrap();
        String clientId = data.with(app -> app.store().clients().list(DataDir.DEFAULT_TENANT)).getFirst()
                .clientId().value();

        // A fresh tenant's NEXT key was published moments ago: too soon to sign (issue 13), and nothing is audited.
        Cli.Run tooSoon = data.run("keys", "rotate", "--tenant", "10001");
        assertThat(tooSoon.exitCode()).isNotZero();
        assertThat(tooSoon.err()).contains("rotate again at or after");
        String nextKid = data.with(app -> app.store().keys().list(DataDir.DEFAULT_TENANT)).stream()
                .filter(k -> k.state() == KeyState.NEXT).findFirst().orElseThrow().kid();
        assertThat(data.run("keys", "revoke", "--tenant", "10001", "--kid", nextKid).exitCode()).isZero();
        assertThat(data.run("tenant", "set", "--tenant", "10001", "--default-audience", "https://api.example")
                .exitCode()).isZero();
        assertThat(data.run("client", "revoke-tokens", "--tenant", "10001", "--client-id", clientId).exitCode())
                .isZero();

        List<AuditEvent> log = data.audit(DataDir.DEFAULT_TENANT);
        assertThat(log).extracting(AuditEvent::action)
                .contains("key.revoke", "tenant.update", "client.revoke_tokens", "tenant.create");
        assertThat(log).filteredOn(e -> List.of("key.revoke", "tenant.update", "client.revoke_tokens")
                .contains(e.action())).extracting(AuditEvent::actorId).containsOnly("cli");
        assertThat(log).filteredOn(e -> e.action().equals("tenant.create")).singleElement()
                .satisfies(e -> assertThat(e.actorId()).isEqualTo("tollgate"));
        assertThat(log).filteredOn(e -> e.action().equals("tenant.update")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("https://api.example"));
        assertThat(log).filteredOn(e -> e.action().equals("client.revoke_tokens")).singleElement()
                .satisfies(e -> assertThat(e.target()).isEqualTo(clientId));
    }

    @Test
    void tenantCreateWhenTenantExistsThenRefusedAsConflictAndNothingAudited() {
        DataDir data = new DataDir(directory.resolve("data"));
        data.bootstrap();
        int before = data.audit(DataDir.DEFAULT_TENANT).size();

        Cli.Run again = data.run("tenant", "create", "--tenant", "10001");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("tenant 10001 exists").doesNotContain("Exception");
        assertThat(data.audit(DataDir.DEFAULT_TENANT)).hasSize(before);
    }
}
