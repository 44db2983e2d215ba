package dev.tollgate.server.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The audit stream's files: {@code tokens.jsonl} appended to, renamed to
 * {@code tokens-<UTC time>.jsonl} when it would pass its size limit or when the UTC day changes,
 * and rotated files deleted past the retention or the file count. Used by the stream's one writer
 * thread only. Owner-only permissions: the lines name clients and their addresses.
 */
final class TokenStreamFiles implements TokenEventStream.Sink {

    static final String ACTIVE = "tokens.jsonl";
    private static final Pattern ROTATED = Pattern.compile("tokens-(\\d{8}T\\d{6}\\.\\d{3}Z)(?:-(\\d+))?\\.jsonl");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Rotated files in the order they were written: by time, then by the suffix of a same-millisecond rotation. */
    private static final Comparator<Path> OLDEST_FIRST = Comparator
            .comparing((Path p) -> stamp(p)).thenComparingInt(TokenStreamFiles::suffix);

    private final Path directory;
    private final Clock clock;
    private final long maxFileBytes;
    private final int maxFiles;
    private final Duration retention;
    private FileChannel active;
    private long size;
    private LocalDate day;

    TokenStreamFiles(Path directory, Clock clock, long maxFileBytes, int maxFiles, Duration retention) {
        this.directory = directory;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.maxFiles = maxFiles;
        this.retention = retention;
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(ACTIVE);
            if (Files.exists(file) && Files.size(file) > 0) {
                // A file left by the previous run keeps its day: a restart the next morning rotates it.
                day = Files.getLastModifiedTime(file).toInstant().atZone(ZoneOffset.UTC).toLocalDate();
            }
            open();
            prune();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the token audit stream in " + directory, e);
        }
    }

    @Override
    public void write(ByteBuffer lines) throws IOException {
        Instant now = clock.instant();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        if (size > 0 && (!today.equals(day) || size + lines.remaining() > maxFileBytes)) {
            rotate(now);
        }
        if (size == 0) {
            day = today;
        }
        while (lines.hasRemaining()) {
            size += active.write(lines);
        }
    }

    @Override
    public void close() throws IOException {
        if (active != null) {
            active.force(false);
            active.close();
        }
    }

    private void open() throws IOException {
        Path file = directory.resolve(ACTIVE);
        List<StandardOpenOption> options = List.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        active = posix() && !Files.exists(file)
                ? FileChannel.open(file, java.util.Set.copyOf(options), ownerOnly())
                : FileChannel.open(file, java.util.Set.copyOf(options));
        size = active.size();
    }

    private void rotate(Instant now) throws IOException {
        active.force(false);
        active.close();
        String stamp = STAMP.format(now);
        Path target = directory.resolve("tokens-" + stamp + ".jsonl");
        for (int n = 1; Files.exists(target); n++) {
            target = directory.resolve("tokens-" + stamp + "-" + n + ".jsonl");
        }
        Files.move(directory.resolve(ACTIVE), target);
        open();
        prune();
    }

    /** Deletes rotated files older than the retention, then the oldest beyond the file count. */
    private void prune() throws IOException {
        List<Path> rotated = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(p -> ROTATED.matcher(p.getFileName().toString()).matches()).forEach(rotated::add);
        }
        rotated.sort(OLDEST_FIRST);
        String oldestKept = STAMP.format(clock.instant().minus(retention));
        int excess = rotated.size() - maxFiles;
        for (int i = 0; i < rotated.size(); i++) {
            Path p = rotated.get(i);
            // A rotated file is named after its last line's time at the latest: older than the
            // retention means every line in it is.
            if (i < excess || stamp(p).compareTo(oldestKept) < 0) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String stamp(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    private static int suffix(Path p) {
        Matcher m = ROTATED.matcher(p.getFileName().toString());
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
