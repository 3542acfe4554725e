// Runs one Elasticsearch 9 node in this JVM, with the Netty 4 HTTP module, for the verify action's
// tests. Elastic publishes no 9.x distribution to Maven Central (the integration-test zip stops at
// 8.19), but it publishes the server and the transport-netty4 module; this does what the
// distribution's bootstrap does for them: prepare the environment, load the modules, start the node.
//
//   java -cp '<lib>/*:<classes>' -Dbxg.pidfile=<file> Es9Node <node dir> <modules dir> <http port>
//
// Logs go to stdout. SIGTERM closes the node cleanly.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.PluginsLoader;

public final class Es9Node {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Es9Node <node directory> <modules directory> <http port>");
            System.exit(2);
        }
        Path nodeDir = Path.of(args[0]).toAbsolutePath();
        Path modules = Path.of(args[1]).toAbsolutePath();
        int httpPort = Integer.parseInt(args[2]);
        Path config = Files.createDirectories(nodeDir.resolve("config"));

        String pidFile = System.getProperty("bxg.pidfile");
        if (pidFile != null) {
            Files.writeString(Path.of(pidFile), Long.toString(ProcessHandle.current().pid()));
        }

        Settings settings = Settings.builder()
            .put("path.home", nodeDir.toString())
            .put("path.data", nodeDir.resolve("data").toString())
            .put("path.logs", nodeDir.resolve("logs").toString())
            .put("cluster.name", "buildx-gate-9")
            .put("node.name", "bxg-9")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", httpPort + 100)
            .put("discovery.type", "single-node")
            // A test machine's disk may be fuller than a production watermark allows; never go read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Tests clean up their own indices with wildcards (bxgtest-*).
            .put("action.destructive_requires_name", false)
            .build();
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "bxg-9");
        // The server runs on the class path here, not as the named module the distribution uses, so
        // the modules load as classic plugins and without the server's qualified exports.
        PluginsLoader pluginsLoader = PluginsLoader.createPluginsLoader(
            PluginsLoader.loadModulesBundles(modules, false), Set.of(), Map.of(), false);
        Node node = new Node(environment, pluginsLoader);

        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "es9-node-shutdown"));
        node.start();
        System.out.println("Es9Node: Elasticsearch started on http://127.0.0.1:" + httpPort);
        closed.await();
    }
}
