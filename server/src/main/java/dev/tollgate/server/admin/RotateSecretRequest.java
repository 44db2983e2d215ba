package dev.tollgate.server.admin;

import dev.tollgate.core.admin.ClientOperations;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST clients/{id}/rotate-secret}: how long the previous secret keeps working, so the
 * client's deployments can change over; no body means the default overlap.
 */
record RotateSecretRequest(Duration overlap) {

    static final Set<String> FIELDS = Set.of("overlap_seconds");
    static final long MAX_OVERLAP_SECONDS = Duration.ofDays(30).toSeconds();

    /** @throws dev.tollgate.core.admin.AdminFailure.Invalid naming every bad field */
    static RotateSecretRequest parse(Map<String, Object> json) {
        JsonFields fields = JsonFields.body(json, FIELDS);
        Duration overlap = fields.has("overlap_seconds")
                ? fields.seconds("overlap_seconds", true, 0, MAX_OVERLAP_SECONDS,
                        "must be a whole number of seconds from 0 to " + MAX_OVERLAP_SECONDS)
                : ClientOperations.DEFAULT_ROTATION_OVERLAP;
        fields.throwIfInvalid();
        return new RotateSecretRequest(overlap);
    }
}
