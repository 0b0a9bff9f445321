package io.gemtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack top}: a terminal view of one host at a time in the manner of nvtop or htop, read from an aggregator's
 * JSON API: the host's GEM totals, the OOM victim of every policy, and its processes with what each policy charges
 * them. Keys switch the policy, the sort and the host. The terminal (raw mode, the alternate screen, a screen redrawn
 * where it changed) is JLine's; without one, {@code --once} prints a single screen as plain text.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Show an aggregator's hosts in the terminal, as top does: GEM totals, the OOM victim of every policy,"
                + " processes by what the chosen policy charges them.", "Keys: " + TopView.KEYS + "."})
public final class TopCommand implements Callable<Integer> {

    /** How long a wait for a key lasts, so that a stop signal or a resized terminal is seen soon. */
    private static final long KEY_WAIT_MILLIS = 200;

    @Option(names = "--url", defaultValue = "http://localhost:9400",
            description = "The aggregator's address (its HTTP port). Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--host", description = "The host shown first. Default: the first the aggregator lists.")
    String host;

    @Option(names = "--policy", defaultValue = "rfc", description = "The accounting policy shown first. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "Time between refreshes: a number with ms, s, m or h. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--once", description = "Print one screen as plain text and exit (for a pipe or a script).")
    boolean once;

    @Option(names = "--width", defaultValue = "130", description = "Width of the screen --once prints. Default: ${DEFAULT-VALUE}.")
    int width;

    @Spec
    CommandSpec spec;

    private AggregatorApi api;
    private List<String> policies;
    private TopView.Sort sort = TopView.Sort.CHARGED;
    private int hostIndex;
    private String error;

    @Override
    public Integer call() throws IOException {
        if (!url.matches("https?://[^/\\s]+/?")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--url': '" + url
                    + "' is not an address like http://localhost:9400");
        }
        api = new AggregatorApi(url);
        try {
            policies = new ArrayList<>();
            api.get("/api/policies").forEach(name -> policies.add(name.asText()));
        } catch (UncheckedIOException e) {
            // Told in words alone: the JDK's exceptions below it add only their type names.
            throw new IllegalStateException("cannot reach the aggregator at " + api.base() + " (--url): "
                    + e.getMessage().replaceFirst("^GET \\S+: ", ""));
        }
        if (!policies.contains(policy)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--policy': unknown policy '"
                    + policy + "'; choose from " + String.join(", ", policies));
        }
        if (once) {
            TopView.Answers answers = fetch();
            PrintWriter out = spec.commandLine().getOut();
            TopView.render(api.base(), policies, policy, sort, hostIndex, answers, error, width, 0).stream()
                    .map(AttributedString::toString).map(String::stripTrailing).forEach(out::println);
            out.flush();
            return error == null ? 0 : FailureReport.FAILED;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).provider("exec")
                // The stop signals stay gemtrack's (Shutdown): JLine's own handlers would end the JVM on Ctrl-C at once.
                .nativeSignals(false).build()) {
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                throw new IllegalStateException("not a terminal (" + terminal.getType() + "): use --once to print one screen");
            }
            show(terminal);
        }
        return 0;
    }

    /** Redraws every interval and on every key until q or a stop signal; leaves the terminal as it found it. */
    private void show(Terminal terminal) throws IOException {
        Attributes original = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        try {
            Display display = new Display(terminal, true);
            NonBlockingReader keys = terminal.reader();
            TopView.Answers answers = null;
            long nextRefresh = 0;
            Size shown = null;
            boolean redraw = true;
            while (!Shutdown.stopRequest().isMade()) {
                if (System.nanoTime() >= nextRefresh) {
                    answers = fetch();
                    nextRefresh = System.nanoTime() + interval.toNanos();
                    redraw = true;
                }
                Size size = terminal.getSize();
                if (!size.equals(shown)) {
                    display.clear();
                    display.resize(size.getRows(), size.getColumns());
                    shown = size;
                    redraw = true;
                }
                if (redraw) {
                    display.update(TopView.render(api.base(), policies, policy, sort, hostIndex, answers, error,
                            size.getColumns(), size.getRows()), -1);
                    terminal.flush();
                    redraw = false;
                }
                int key = keys.read(KEY_WAIT_MILLIS);
                if (key == 'q' || key == 3 || key == NonBlockingReader.EOF) {
                    return;
                }
                if (key != NonBlockingReader.READ_EXPIRED && press((char) key)) {
                    nextRefresh = 0;
                }
            }
        } finally {
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(original);
            terminal.flush();
        }
    }

    /** Acts on a key; whether the view changed. */
    private boolean press(char key) {
        switch (key) {
            case '\t', 'p' -> policy = policies.get((policies.indexOf(policy) + 1) % policies.size());
            case 'P' -> policy = policies.get((policies.indexOf(policy) + policies.size() - 1) % policies.size());
            case 's' -> sort = sort.next();
            case 'n' -> hostIndex++;
            case 'N' -> hostIndex--;
            default -> {
                if (key >= '1' && key < '1' + policies.size()) {
                    policy = policies.get(key - '1');
                } else {
                    return false;
                }
            }
        }
        host = null;
        return true;
    }

    /** The answers for the chosen host; on a failure the last error is kept, to be shown, and nothing thrown. */
    private TopView.Answers fetch() {
        try {
            JsonNode hosts = api.get("/api/hosts");
            if (hosts.isEmpty()) {
                error = null;
                return null;
            }
            if (host != null) {
                List<String> names = new ArrayList<>();
                hosts.forEach(each -> names.add(each.path("host").asText()));
                if (!names.contains(host)) {
                    error = "the aggregator has no host " + host + " (--host); it has " + String.join(", ", names);
                    return null;
                }
                hostIndex = names.indexOf(host);
            }
            hostIndex = Math.floorMod(hostIndex, hosts.size());
            String chosen = AggregatorApi.host(hosts.get(hostIndex).path("host").asText());
            TopView.Answers answers = new TopView.Answers(hosts, api.get(chosen + "/processes?policy=" + policy), api.get(chosen + "/oom"));
            error = null;
            return answers;
        } catch (RuntimeException e) {
            error = FailureReport.describe(e);
            return null;
        }
    }
}
