package dev.tollgate.core.key;

/**
 * A signing key's life: published before it signs ({@code NEXT}), signing ({@code CURRENT}),
 * then published but no longer signing ({@code RETIRED}) until every token it signed has expired.
 */
public enum KeyState {
    NEXT,
    CURRENT,
    RETIRED
}
