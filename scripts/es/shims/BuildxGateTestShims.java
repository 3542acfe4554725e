// Fills two gaps of the Elasticsearch test nodes, which carry only the modules that Maven Central
// publishes (no rest-root, no analysis-common):
//
// 1. GET / and HEAD / (the rest-root module's "main" endpoint), so clients can read the server
//    version the way they do against any real cluster (client.info(), client.ping()).
// 2. The analysis components the .security system index is created with (uax_url_email tokenizer;
//    pattern_capture, lowercase and unique token filters), without which API keys and OAuth2 bearer
//    tokens cannot be stored. They behave like analysis-common's for what that index needs.
//
// Installed as a plugin by scripts/es/install.sh; compiled against the server it runs in, together
// with the subclass for that server's major (V8.java or V9.java), which registers the REST handler.
package org.buildxgate.testshims;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.util.Version;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

public abstract class BuildxGateTestShims extends Plugin implements ActionPlugin, AnalysisPlugin {
    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService = services.clusterService();
        return List.of();
    }

    /** GET / and HEAD /; the server-specific subclass registers it (the plugin API differs by major). */
    protected RestHandler mainHandler() {
        return new MainHandler();
    }

    /** The body of GET / as the rest-root module writes it. */
    private final class MainHandler implements RestHandler {
        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        public void handleRequest(RestRequest request, RestChannel channel, NodeClient client) throws IOException {
            if (request.method() == RestRequest.Method.HEAD) {
                channel.sendResponse(new RestResponse(RestStatus.OK, "application/json", ""));
                return;
            }
            Build build = Build.current();
            XContentBuilder body = channel.newBuilder();
            body.startObject();
            body.field("name", clusterService.localNode().getName());
            body.field("cluster_name", clusterService.getClusterName().value());
            body.field("cluster_uuid", clusterService.state().metadata().clusterUUID());
            body.startObject("version");
            body.field("number", build.qualifiedVersion());
            body.field("build_flavor", build.flavor());
            body.field("build_type", build.type().displayName());
            body.field("build_hash", build.hash());
            body.field("build_date", build.date());
            body.field("build_snapshot", build.isSnapshot());
            body.field("lucene_version", Version.LATEST.toString());
            body.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
            body.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
            body.endObject();
            body.field("tagline", "You Know, for Search");
            body.endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, body));
        }
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(
            "uax_url_email",
            (indexSettings, environment, name, settings) -> TokenizerFactory.newFactory(name, UAX29URLEmailTokenizer::new)
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "lowercase",
            (indexSettings, environment, name, settings) -> filter(name, LowerCaseFilter::new),
            "unique",
            (indexSettings, environment, name, settings) -> filter(name, UniqueTokenFilter::new),
            "pattern_capture",
            // Only built where an index defines it: without settings it has no patterns to apply.
            AnalysisPlugin.requiresAnalysisSettings((indexSettings, environment, name, settings) -> {
                List<String> regexes = settings.getAsList("patterns");
                if (regexes.isEmpty()) {
                    throw new IllegalArgumentException("pattern_capture filter [" + name + "] needs [patterns]");
                }
                Pattern[] patterns = regexes.stream().map(Pattern::compile).toArray(Pattern[]::new);
                boolean preserveOriginal = settings.getAsBoolean("preserve_original", true);
                return filter(name, input -> new PatternCaptureGroupTokenFilter(input, preserveOriginal, patterns));
            })
        );
    }

    private static TokenFilterFactory filter(String name, java.util.function.Function<TokenStream, TokenStream> create) {
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream input) {
                return create.apply(input);
            }
        };
    }

    /** Drops a token whose term already appeared in the stream (analysis-common's "unique"). */
    static final class UniqueTokenFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
        private final CharArraySet seen = new CharArraySet(8, false);

        UniqueTokenFilter(TokenStream input) {
            super(input);
        }

        @Override
        public boolean incrementToken() throws IOException {
            int skipped = 0;
            while (input.incrementToken()) {
                if (seen.contains(term.buffer(), 0, term.length())) {
                    skipped += position.getPositionIncrement();
                    continue;
                }
                seen.add(new String(term.buffer(), 0, term.length()));
                position.setPositionIncrement(position.getPositionIncrement() + skipped);
                return true;
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            seen.clear();
        }
    }
}
