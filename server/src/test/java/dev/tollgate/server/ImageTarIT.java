package dev.tollgate.server;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OCI image tar that {@code mvn package} builds with Jib ({@code server/target/tollgate-image.tar},
 * system property {@code tollgate.image}), checked without Docker: its manifest and configuration
 * are read as a container runtime reads them, its layers unpacked into a directory, and the
 * entrypoint started there the way a runtime would start it: own mount namespace with
 * {@code /proc} and a minimal {@code /dev}, {@code chroot} into the layers, the image's user. Then
 * the bootstrapped client gets a token over HTTP, which only works if the jlinked runtime has every
 * module the server needs and the image holds every shared library it loads.
 *
 * <p>Starting it needs root ({@code chroot}, {@code mount}) and util-linux's {@code unshare}; where
 * those are missing the start is skipped with the reason, and the configuration is still checked.
 */
class ImageTarIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile(
            "Tollgate \\S+ listening on (http://127\\.0\\.0\\.1:(\\d+))\\b.*metrics and health: port (\\d+)\\s*");

    /**
     * Runs in a new mount namespace, so that nothing mounted here outlives the process or shows
     * outside it: /proc (the dynamic loader resolves the runtime's $ORIGIN through it, the JVM reads
     * its limits there) and the device nodes a runtime provides. Then chroot as the image's user.
     * Arguments: user, root directory, command.
     */
    private static final String CONTAINER_INIT = """
            set -e
            user=$1; root=$2; shift 2
            mount -t proc proc "$root/proc"
            mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
            mknod -m 666 "$root/dev/null" c 1 3
            mknod -m 666 "$root/dev/zero" c 1 5
            mknod -m 666 "$root/dev/random" c 1 8
            mknod -m 666 "$root/dev/urandom" c 1 9
            exec chroot --userspec="$user" "$root" "$@"
            """;

    private Path image;
    private Path workDir;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    /** The image as {@code docker load} sees it: the manifest's entry and the configuration it names. */
    private record Image(List<String> repoTags, Map<String, Object> config, List<byte[]> layers) {

        @SuppressWarnings("unchecked")
        Map<String, Object> runConfig() {
            return (Map<String, Object>) config.get("config");
        }

        @SuppressWarnings("unchecked")
        List<String> strings(String key) {
            return (List<String>) runConfig().get(key);
        }
    }

    /** A file or directory of one layer, with the mode and owner the tar gives it. */
    private record LayerEntry(String path, boolean directory, int mode, long uid) {
    }

    @BeforeEach
    void prepare() throws IOException {
        String property = System.getProperty("tollgate.image");
        String why = "system property tollgate.image is not set: the build's 'image' profile did not run "
                + "(-Dimage.skip, or not Linux x86-64), so there is no image tar to test";
        if (property == null) {
            System.err.println("ImageTarIT skipped: " + why);
        }
        assumeTrue(property != null, why);
        image = Path.of(property).toAbsolutePath();
        assertThat(image).as("the image tar; run 'mvn verify', which packages it first").isRegularFile();
        // Next to the tar rather than in /tmp, which some hosts mount noexec.
        workDir = Files.createTempDirectory(image.getParent(), "image-it");
    }

    @AfterEach
    void cleanUp() throws IOException {
        synchronized (processes) {
            for (Process p : processes) {
                stopTree(p, true);
            }
        }
        if (workDir != null) {
            // Mounts lived in the process's own namespace and went with it: nothing here is mounted.
            ServerProcess.deleteTree(workDir);
        }
    }

    @Test
    void imageWhenInspectedThenRunsTheShadedJarWithTheJlinkedRuntimeAsAnUnprivilegedUserOnTheDocumentedPorts() throws Exception {
        Image loaded = read(image);

        assertThat(loaded.repoTags()).singleElement().asString().startsWith("tollgate:");
        assertThat(loaded.config()).containsEntry("os", "linux").containsEntry("architecture", "amd64");
        assertThat(loaded.strings("Entrypoint"))
                .containsExactly("/opt/java/bin/java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx128m",
                        "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-jar", "/app/tollgate.jar");
        assertThat(loaded.strings("Cmd")).containsExactly("serve");
        assertThat(loaded.strings("Env")).contains("TOLLGATE_HOST=0.0.0.0", "TOLLGATE_DATA_DIR=/data/store");
        assertThat(loaded.runConfig()).containsEntry("User", "10001:10001").containsEntry("WorkingDir", "/data");
        assertThat(map(loaded.runConfig(), "ExposedPorts")).containsOnlyKeys("8080/tcp", "9090/tcp");
        assertThat(map(loaded.runConfig(), "Volumes")).containsOnlyKeys("/data");
        assertThat(map(loaded.runConfig(), "Labels"))
                .containsEntry("org.opencontainers.image.title", "Tollgate")
                .containsEntry("org.opencontainers.image.licenses", "Apache-2.0")
                .containsKey("org.opencontainers.image.version");

        // Two layers: the runtime and its libraries, which rarely change, then the jar alone.
        assertThat(loaded.layers()).hasSize(2);
        List<LayerEntry> base = entries(loaded.layers().get(0));
        List<LayerEntry> application = entries(loaded.layers().get(1));
        assertThat(application).filteredOn(e -> !e.directory()).extracting(LayerEntry::path)
                .containsExactly("app/tollgate.jar");
        assertThat(base).extracting(LayerEntry::path)
                .contains("opt/java/bin/java", "opt/java/lib/server/libjvm.so", "lib64/ld-linux-x86-64.so.2",
                        "lib/x86_64-linux-gnu/libc.so.6", "etc/passwd", "etc/group", "data", "tmp")
                .noneMatch(path -> path.startsWith("app/"));
        assertThat(base).filteredOn(e -> e.path().equals("opt/java/bin/java"))
                .singleElement().extracting(LayerEntry::mode).isEqualTo(0755);
        assertThat(base).filteredOn(e -> e.path().equals("tmp") || e.path().equals("data"))
                .extracting(LayerEntry::mode).containsOnly(0777);
    }

    @Test
    void serverWhenStartedInsideTheUnpackedImageAsItsUserThenIssuesATokenToTheBootstrappedClient() throws Exception {
        assumeContainerStartPossible();
        Image loaded = read(image);
        Path root = Files.createDirectory(workDir.resolve("rootfs"));
        for (byte[] layer : loaded.layers()) {
            unpack(layer, root);
        }
        // After chroot this directory is "/", which the image's user must be able to traverse.
        Files.setPosixFilePermissions(root, modeToPermissions(0755));
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("tollgate:x:10001:10001:");
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));

        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c", CONTAINER_INIT,
                "sh", (String) loaded.runConfig().get("User"), root.toString()));
        command.addAll(loaded.strings("Entrypoint"));
        command.addAll(loaded.strings("Cmd"));
        // Free ports instead of 8080 and 9090, as `docker run … tollgate:… serve --port 0 …` would pass them.
        command.addAll(List.of("--port", "0", "--management-port", "0"));

        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        // A container starts with the image's environment, not the caller's; loopback instead of
        // 0.0.0.0, as `docker run -e TOLLGATE_HOST=127.0.0.1` would set it. PATH is for the helpers
        // that run before chroot (mount, mknod, chroot).
        String path = builder.environment().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().clear();
        for (String variable : loaded.strings("Env")) {
            int eq = variable.indexOf('=');
            builder.environment().put(variable.substring(0, eq), variable.substring(eq + 1));
        }
        builder.environment().put("TOLLGATE_HOST", "127.0.0.1");
        builder.environment().put("PATH", path);
        ServerProcess served = ServerProcess.start(builder, "image", processes);
        Process process = served.process();
        StringBuffer stderr = served.stderr();

        Matcher listening = served.awaitLine(LISTENING, WAIT, "the image's entrypoint");
        String baseUrl = listening.group(1);
        int managementPort = Integer.parseInt(listening.group(3));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> ready = awaitReady(http, managementPort, stderr);
        assertThat(ready.body()).contains("\"status\":\"UP\"");
        assertThat(stderr).as("the image holds what ACCP's native library needs, and a writable /tmp")
                .contains("crypto provider: AmazonCorrettoCryptoProvider");

        ServerProcess.Credentials client = served.defaultClient();
        String basic = Base64.getEncoder()
                .encodeToString((client.clientId() + ":" + client.secret()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/t/10001/oauth2/token"))
                        .timeout(WAIT)
                        .header("Authorization", "Basic " + basic)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        Map<String, Object> json = JSONObjectUtils.parse(token.body());
        assertThat(json).containsEntry("token_type", "Bearer");
        assertThat((String) json.get("access_token")).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        // SIGTERM to the JVM, as `docker stop` sends it; the namespace's helpers exit with it.
        stopTree(process, false);
        assertThat(process.isAlive()).as("stopped within %s after SIGTERM; stderr:%n%s", WAIT, stderr).isFalse();

        Path store = root.resolve("data/store");
        assertThat(Files.getAttribute(store, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .as("the store was created by the image's user").isEqualTo(10001);
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(modeToPermissions(0700));
        assertThat(store.resolve("tollgate.mv.db")).isRegularFile();
    }

    /** Root, chroot and a mount namespace, or the reason why not, printed and reported as the skip. */
    private void assumeContainerStartPossible() throws IOException, InterruptedException {
        String why = null;
        if (!System.getProperty("os.name").equals("Linux")) {
            why = "not Linux";
        } else if (!"0".equals(output("id", "-u"))) {
            why = "not running as root (chroot and mount need it; CI runs this test as root)";
        } else if (output("sh", "-c", "command -v chroot") == null) {
            why = "no chroot command (coreutils)";
        } else if (output("unshare", "--mount", "--fork", "true") == null) {
            why = "'unshare --mount' failed (util-linux missing, or no CAP_SYS_ADMIN in this container)";
        }
        if (why != null) {
            System.err.println("ImageTarIT: not starting the image: " + why);
        }
        String reason = why;
        assumeTrue(reason == null, () -> "starting the image needs root, chroot and unshare: " + reason);
    }

    /** The command's trimmed standard output, or null when it can't run or exits non-zero. */
    private static String output(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The Docker-format tar Jib writes: manifest.json naming a config file and gzipped layer tars. */
    private static Image read(Path tar) throws IOException, ParseException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isFile()) {
                    files.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        assertThat(files).as("entries of %s", tar).containsKey("manifest.json");
        List<Object> manifests = JSONArrayUtils.parse(new String(files.get("manifest.json"), StandardCharsets.UTF_8));
        assertThat(manifests).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = (Map<String, Object>) manifests.get(0);
        String configName = (String) manifest.get("Config");
        assertThat(files).containsKey(configName);
        Map<String, Object> config = JSONObjectUtils.parse(new String(files.get(configName), StandardCharsets.UTF_8));
        List<byte[]> layers = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<String> layerNames = (List<String>) manifest.get("Layers");
        for (String name : layerNames) {
            assertThat(files).containsKey(name);
            layers.add(files.get(name));
        }
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) manifest.get("RepoTags");
        return new Image(tags, config, layers);
    }

    private static List<LayerEntry> entries(byte[] layer) throws IOException {
        List<LayerEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = layerStream(layer)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.add(new LayerEntry(relative(entry.getName()), entry.isDirectory(), entry.getMode() & 07777,
                        entry.getLongUserId()));
            }
        }
        return entries;
    }

    /** Unpacks one layer over {@code root} as a runtime does: modes and owners as given, later layers win. */
    private static void unpack(byte[] layer, Path root) throws IOException {
        try (TarArchiveInputStream in = layerStream(layer)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = relative(entry.getName());
                if (name.isEmpty()) {
                    continue;
                }
                Path target = root.resolve(name).normalize();
                assertThat(target.startsWith(root)).as("layer entry %s stays inside the root", entry.getName()).isTrue();
                Files.createDirectories(target.getParent());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    continue;
                } else if (entry.isFile()) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    fail("unexpected layer entry %s (type %s)", entry.getName(), entry.isLink() ? "hard link" : "special");
                }
                Files.setPosixFilePermissions(target, modeToPermissions(entry.getMode()));
                Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static TarArchiveInputStream layerStream(byte[] layer) throws IOException {
        return new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer)));
    }

    private static String relative(String name) {
        String relative = name.startsWith("./") ? name.substring(2) : name;
        relative = relative.startsWith("/") ? relative.substring(1) : relative;
        return relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
    }

    private static Set<PosixFilePermission> modeToPermissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> object, String key) {
        Object value = object.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static HttpResponse<String> awaitReady(HttpClient http, int managementPort, StringBuffer stderr)
            throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        return fail("/health/ready not 200 within %s (last: %s); stderr:%n%s", WAIT, last, stderr);
    }

    /**
     * SIGTERM (or SIGKILL) to the JVM first, then to what started it: unshare forks the JVM and
     * waits for it, and the JVM changed its user, so it would not get unshare's own signal.
     */
    private static void stopTree(Process process, boolean forcibly) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        Collections.reverse(tree);
        for (ProcessHandle child : tree) {
            if (forcibly) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
        }
        try {
            for (ProcessHandle child : tree) {
                child.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
