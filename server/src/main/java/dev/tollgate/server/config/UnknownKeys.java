package dev.tollgate.server.config;

import java.util.Map;

/**
 * What to say about a key the configuration file names but Tollgate does not know: why it went,
 * for a key an earlier version had, or the known key it is most likely a typo of.
 */
final class UnknownKeys {

    private static final String CLIENT_LIMIT_REMOVED = "removed: failures for a client id no longer refuse "
            + "anyone (a correct secret is always answered), so there is no per-client limit or known-address "
            + "exemption to configure; delete the line (failures per client are in the metric "
            + "tollgate_client_authentication_failures_total)";

    /**
     * Keys that existed once, with why they went: a file naming one is refused with the reason
     * instead of "unknown key", so an upgrade says what changed.
     */
    private static final Map<String, String> REMOVED = Map.of(
            "abuse.client.free-failures", CLIENT_LIMIT_REMOVED,
            "abuse.client.refuse-after", CLIENT_LIMIT_REMOVED,
            "abuse.known-address-memory", CLIENT_LIMIT_REMOVED);

    private UnknownKeys() {
    }

    static String explain(String name) {
        String removedBecause = REMOVED.get(name);
        return removedBecause != null ? removedBecause : "unknown key" + suggestion(name);
    }

    /** A typo's likely meaning: the known key with the fewest edits, if it is close. */
    private static String suggestion(String unknown) {
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            int distance = editDistance(unknown, key.key());
            if (distance < bestDistance) {
                best = key;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= 3 ? "; did you mean " + best.key() + "?" : "; see docs/CONFIGURATION.md";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
