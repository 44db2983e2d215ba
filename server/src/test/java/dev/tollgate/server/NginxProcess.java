package dev.tollgate.server;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's nginx, run by a test as the current user from a configuration written into a temporary
 * directory. Without the binary the calling test class is skipped, unless TOLLGATE_REQUIRE_NGINX is
 * set (CI): then it fails.
 */
final class NginxProcess implements AutoCloseable {

    static final String NGINX = "/usr/sbin/nginx";

    private final Process process;
    private final Path dir;

    private NginxProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Skips the calling test class when nginx is absent and CI does not require it. */
    static void requireInstalled() {
        boolean installed = Files.isExecutable(Path.of(NGINX));
        if (!installed && System.getenv("TOLLGATE_REQUIRE_NGINX") == null) {
            Assumptions.abort("nginx is not installed (apt-get install nginx); set TOLLGATE_REQUIRE_NGINX=1 to fail instead");
        }
        assertThat(installed).as(NGINX + " is required (TOLLGATE_REQUIRE_NGINX is set)").isTrue();
    }

    /**
     * Starts nginx with {@code config} (a whole nginx.conf; {@code %1$s} in it is {@code dir}, for the
     * temporary paths) and waits until every port in {@code ports} answers.
     */
    static NginxProcess start(Path dir, String config, int... ports) throws Exception {
        Files.writeString(dir.resolve("nginx.conf"), config);
        Process process = new ProcessBuilder(NGINX, "-e", "stderr", "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-g", "daemon off; pid " + dir.resolve("nginx.pid")
                + "; error_log stderr;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        NginxProcess nginx = new NginxProcess(process, dir);
        for (int port : ports) {
            nginx.awaitListening(port);
        }
        return nginx;
    }

    /** nginx says nothing when it is up: its port answering is the sign. */
    private void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket ignored = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("nginx did not start:\n" + Files.readString(dir.resolve("nginx.out")));
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
