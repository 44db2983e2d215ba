import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * bench/cluster.sh's stand-in for a PostgreSQL outage: a TCP forwarder on 127.0.0.1 that the
 * nodes connect to instead of the shared PostgreSQL, so one run can take the database away from
 * its nodes without stopping the server other engineers' tests use. Run as a source file:
 *
 *   java bench/cluster/TcpGate.java LISTEN_PORT TARGET_HOST TARGET_PORT
 *
 * and write commands to its standard input, one a line: {@code cut} closes every connection and
 * refuses new ones (what a stopped database looks like to a client), {@code forward} forwards
 * again. It prints {@code forwarding} once it listens and echoes each command once applied.
 */
public final class TcpGate {

    private static final Set<Socket> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile boolean cut;

    public static void main(String[] args) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 200);
        InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        Thread.ofPlatform().daemon().start(() -> accept(listener, target));
        System.out.println("forwarding");
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = commands.readLine()) != null; ) {
            switch (line.trim()) {
                case "cut" -> {
                    cut = true;
                    OPEN.forEach(TcpGate::close);
                    OPEN.clear();
                }
                case "forward" -> cut = false;
                default -> { continue; }
            }
            System.out.println(line.trim());
            System.out.flush();
        }
    }

    private static void accept(ServerSocket listener, InetSocketAddress target) {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                close(client);
                continue;
            }
            Thread.ofVirtual().start(() -> {
                Socket server = new Socket();
                try {
                    server.connect(target, 2_000);
                    // Nagle plus delayed acknowledgements would cost every query round trip 40 ms.
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                } catch (IOException e) {
                    close(client);
                    close(server);
                    return;
                }
                OPEN.add(client);
                OPEN.add(server);
                Thread.ofVirtual().start(() -> pipe(client, server));
                pipe(server, client);
            });
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the other side closed, or cut() closed both
        } finally {
            close(from);
            close(to);
            OPEN.remove(from);
            OPEN.remove(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }
}
