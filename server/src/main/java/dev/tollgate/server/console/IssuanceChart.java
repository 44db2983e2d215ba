package dev.tollgate.server.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A bar chart of tokens issued per bucket, laid out here so the template only writes SVG
 * elements. Drawn on the server as inline SVG: no script, and only classes for looks, because the
 * CSP forbids inline styles.
 *
 * @param bars   one per bucket, oldest first
 * @param ticks  labels under the time axis
 * @param levels horizontal grid lines with their counts, bottom first
 */
public record IssuanceChart(int width, int height, int left, int right, int top, int bottom, List<Bar> bars,
                            List<Tick> ticks, List<Level> levels, long total, long peak) {

    public record Bar(int x, int y, int width, int height, String label) {
    }

    public record Tick(int x, String label) {
    }

    public record Level(int y, String label) {
    }

    private static final int SLOT = 27;
    private static final int GAP = 5;
    private static final int LEFT = 48;
    private static final int TOP = 12;
    private static final int PLOT_HEIGHT = 170;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    /** @param counts per bucket, oldest first; the last bucket ends at {@code end} */
    public static IssuanceChart of(long[] counts, Instant end, Duration bucket) {
        int n = counts.length;
        int right = LEFT + n * SLOT;
        int bottom = TOP + PLOT_HEIGHT;
        long total = 0;
        long peak = 0;
        for (long count : counts) {
            total += count;
            peak = Math.max(peak, count);
        }
        long scale = niceCeiling(peak);
        Instant start = end.minus(bucket.multipliedBy(n));
        List<Bar> bars = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int h = (int) Math.round((double) counts[i] * PLOT_HEIGHT / scale);
            if (counts[i] > 0 && h < 1) {
                h = 1;    // a single token in a busy day still shows
            }
            Instant from = start.plus(bucket.multipliedBy(i));
            String label = HOUR.format(from) + "–" + HOUR.format(from.plus(bucket)) + " UTC: " + counts[i]
                    + (counts[i] == 1 ? " token" : " tokens");
            bars.add(new Bar(LEFT + i * SLOT + GAP / 2, bottom - h, SLOT - GAP, h, label));
        }
        List<Tick> ticks = new ArrayList<>();
        int step = Math.max(1, n / 4);
        for (int i = 0; i <= n; i += step) {
            long ago = bucket.multipliedBy(n - i).toHours();
            ticks.add(new Tick(LEFT + i * SLOT, i == n ? "now" : "−" + ago + " h"));
        }
        List<Level> levels = List.of(
                new Level(bottom, "0"),
                new Level(bottom - PLOT_HEIGHT / 2, scale % 2 == 0 ? Long.toString(scale / 2) : ""),
                new Level(TOP, Long.toString(scale)));
        return new IssuanceChart(right + 12, bottom + 26, LEFT, right, TOP, bottom, List.copyOf(bars),
                List.copyOf(ticks), levels, total, peak);
    }

    public String summary() {
        return total + (total == 1 ? " token" : " tokens") + " issued in the last " + bars.size()
                + " hours; busiest hour: " + peak + ".";
    }

    /** The smallest 1, 2 or 5 × 10^k at or above {@code value}, at least 2 so the midline is whole. */
    static long niceCeiling(long value) {
        long magnitude = 1;
        while (true) {
            for (long factor : new long[] {1, 2, 5}) {
                long candidate = factor * magnitude;
                if (candidate >= value && candidate >= 2) {
                    return candidate;
                }
            }
            if (magnitude > Long.MAX_VALUE / 100) {
                return value;
            }
            magnitude *= 10;
        }
    }
}
