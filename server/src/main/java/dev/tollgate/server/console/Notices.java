package dev.tollgate.server.console;

import java.util.Map;
import java.util.Optional;

/**
 * The messages shown after a change and its redirect (post/redirect/get). The URL carries only a
 * key; the text comes from here, so a crafted link can't put words on a console page.
 */
final class Notices {

    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("password", "Your password was changed."),
            Map.entry("totp-enrolled", "Second factor on: signing in now asks for a code from your app."),
            Map.entry("totp-disabled", "Second factor off: signing in asks only for your password."),
            Map.entry("client-scopes", "Scopes saved. Tokens issued from now on carry the new scopes."),
            Map.entry("client-settings", "Settings saved."),
            Map.entry("tenant-settings", "Saved. Client forms accept the new lists from now on."),
            Map.entry("client-enabled", "The client credential is enabled."),
            Map.entry("client-disabled", "The client credential is disabled: its tokens are revoked and it gets "
                    + "no new ones."),
            Map.entry("client-previous-ended", "The previous secret no longer works."),
            Map.entry("client-key-added", "The key was added; assertions signed with it are accepted now."),
            Map.entry("client-key-removed", "The key was removed; assertions signed with it are refused now."),
            Map.entry("client-tokens-revoked", "Every token the client credential was issued until now is revoked. "
                    + "Other servers refuse them within 5 seconds."),
            Map.entry("client-deleted", "The client credential was deleted."),
            Map.entry("scope-created", "Scope created."),
            Map.entry("scope-described", "Description saved."),
            Map.entry("scope-deleted", "Scope deleted."),
            Map.entry("admin-updated", "Role and capabilities saved."),
            Map.entry("admin-deleted", "Admin deleted; their sessions have ended."),
            Map.entry("totp-reset", "Second factor reset: they sign in with their password until they enrol again."),
            Map.entry("user-created", "User created."),
            Map.entry("user-deleted", "User deleted."));

    private Notices() {
    }

    static Optional<String> message(String key) {
        return Optional.ofNullable(MESSAGES.get(key));
    }
}
