package io.gemtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.StreamSupport;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * What {@code gemtrack top} draws: one host's totals, the OOM victim of every policy, and its processes with what
 * every policy charges them, the chosen policy's column marked, sorted as chosen. Drawn from the JSON API's answers
 * alone, so it shows what the web view shows; a pure function of them and the screen's size.
 */
final class TopView {

    /** How the process table is sorted. */
    enum Sort {
        CHARGED("charged under the policy"), KILL_FREES("what a kill frees"), PID("pid"), COMM("name");

        final String label;

        Sort(String label) {
            this.label = label;
        }

        Sort next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /** The answers one screen is drawn from: the host list, the chosen host's process list and OOM comparison. */
    record Answers(JsonNode hosts, JsonNode processes, JsonNode oom) {
    }

    static final String KEYS = "Tab/p policy · 1-6 policy · s sort · n/N host · q quit";
    private static final int PID_WIDTH = 8;
    private static final int COMM_WIDTH = 17;
    private static final int FIGURE_WIDTH = 13;

    private TopView() {
    }

    /**
     * The screen's lines, each at most {@code columns} wide, and {@code rows} of them, the keys on the last; for
     * {@code rows} 0, as many as it takes, every process listed.
     *
     * @param host     the index of the chosen host in the host list
     * @param error    why the last refresh failed, or {@code null}
     */
    static List<AttributedString> render(String base, List<String> policies, String policy, Sort sort, int host, Answers answers,
                                         String error, int columns, int rows) {
        List<AttributedString> lines = new ArrayList<>();
        JsonNode hostView = answers == null ? null : answers.hosts().get(host);
        String hostName = hostView == null ? "-" : hostView.path("host").asText();
        int hostCount = answers == null ? 0 : answers.hosts().size();
        lines.add(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("gemtrack top").style(AttributedStyle.DEFAULT)
                .append(String.format("  %s  host %s (%d of %d)  policy ", base, hostName, hostCount == 0 ? 0 : host + 1, hostCount))
                .style(AttributedStyle.INVERSE).append(policy).style(AttributedStyle.DEFAULT)
                .append("  sorted by " + sort.label).toAttributedString());
        if (error != null) {
            lines.add(new AttributedString(error, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)));
        }
        if (hostView == null) {
            lines.add(new AttributedString(error == null ? "waiting for the aggregator's first host ..." : ""));
        } else {
            totals(lines, hostView, policy);
            victims(lines, answers.oom(), policies, policy);
            int room = rows == 0 ? Integer.MAX_VALUE : Math.max(0, rows - lines.size() - 2);
            processes(lines, answers.processes(), columnsFitting(policies, policy, columns), policy, sort, room);
        }
        while (lines.size() < rows - 1) {
            lines.add(AttributedString.EMPTY);
        }
        if (rows > 0) {
            lines.add(new AttributedString(KEYS, AttributedStyle.DEFAULT.faint()));
        }
        return lines.stream().limit(rows == 0 ? lines.size() : rows)
                .map(line -> line.columnSubSequence(0, Math.min(columns, line.columnLength()))).toList();
    }

    private static void totals(List<AttributedString> lines, JsonNode host, String policy) {
        lines.add(new AttributedString(String.format("GEM %s in %,d buffers · resident %s · unaccounted under %s %s · orphaned %s%s",
                bytes(host.path("gemBytes").asLong()), host.path("gemObjects").asLong(), bytes(host.path("residentBytes").asLong()),
                policy, bytes(host.path("unaccounted").path(policy).asLong()), bytes(host.path("orphanedBytes").asLong()),
                host.path("stale").asBoolean() ? " · stale" : host.path("synchronised").asBoolean(true) ? "" : " · resynchronising")));
    }

    /** One line per victim: the policies that pick it, and whether its kill frees less than the best one's. */
    private static void victims(List<AttributedString> lines, JsonNode oom, List<String> policies, String policy) {
        JsonNode best = oom.path("bestVictim");
        lines.add(new AttributedString(String.format("OOM victims (best: %s %d, whose kill frees %s):",
                best.path("comm").asText("-"), best.path("pid").asInt(), bytes(best.path("freedBytes").asLong()))));
        for (String each : policies) {
            JsonNode choice = oom.path("policies").path(each);
            JsonNode victim = choice.path("victim");
            AttributedStringBuilder line = new AttributedStringBuilder().append("  ");
            line.style(each.equals(policy) ? AttributedStyle.INVERSE : AttributedStyle.DEFAULT).append(String.format("%-12s", each))
                    .style(AttributedStyle.DEFAULT);
            if (victim.isMissingNode() || victim.isNull()) {
                line.append(" none");
            } else {
                line.append(String.format(" %-17s %7d  kill frees %9s", victim.path("comm").asText(), victim.path("pid").asInt(),
                        bytes(victim.path("freedBytes").asLong())));
                if (choice.path("mismatch").asBoolean()) {
                    line.style(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)).append("  frees less than the best")
                            .style(AttributedStyle.DEFAULT);
                }
            }
            lines.add(line.toAttributedString());
        }
    }

    /**
     * Every policy's column if the screen is wide enough for all, else the chosen policy's alone: on a narrow screen
     * the columns on the right, what a kill frees among them, would be cut off.
     */
    private static List<String> columnsFitting(List<String> policies, String policy, int columns) {
        int all = PID_WIDTH + 1 + COMM_WIDTH + (policies.size() + 1) * FIGURE_WIDTH;
        return all <= columns ? policies : List.of(policy);
    }

    private static void processes(List<AttributedString> lines, JsonNode list, List<String> policies, String policy, Sort sort,
                                  int room) {
        AttributedStringBuilder header = new AttributedStringBuilder().style(AttributedStyle.BOLD)
                .append(String.format("%" + PID_WIDTH + "s %-" + COMM_WIDTH + "s", "PID", "COMM"));
        for (String each : policies) {
            header.style(each.equals(policy) ? AttributedStyle.BOLD.inverse() : AttributedStyle.BOLD)
                    .append(String.format("%" + FIGURE_WIDTH + "s", each.toUpperCase()));
        }
        header.style(AttributedStyle.BOLD).append(String.format("%" + FIGURE_WIDTH + "s", "KILL FREES"));
        lines.add(AttributedString.EMPTY);
        lines.add(header.toAttributedString());
        List<JsonNode> rows = StreamSupport.stream(list.path("processes").spliterator(), false)
                .sorted(order(sort, policy)).limit(Math.max(0, room - 1)).toList();
        for (JsonNode row : rows) {
            AttributedStringBuilder line = new AttributedStringBuilder()
                    .append(String.format("%" + PID_WIDTH + "d %-" + COMM_WIDTH + "s", row.path("pid").asInt(),
                            truncated(row.path("comm").asText(), COMM_WIDTH)));
            for (String each : policies) {
                line.style(each.equals(policy) ? AttributedStyle.BOLD : AttributedStyle.DEFAULT)
                        .append(String.format("%" + FIGURE_WIDTH + "s", bytes(row.path("charges").path(each).asLong())));
            }
            line.style(AttributedStyle.DEFAULT).append(String.format("%" + FIGURE_WIDTH + "s", bytes(row.path("freedByKillBytes").asLong())));
            lines.add(line.toAttributedString());
        }
    }

    private static Comparator<JsonNode> order(Sort sort, String policy) {
        ToLongFunction<JsonNode> pid = row -> row.path("pid").asLong();
        return switch (sort) {
            case CHARGED -> Comparator.<JsonNode>comparingLong(row -> row.path("charges").path(policy).asLong()).reversed()
                    .thenComparingLong(pid);
            case KILL_FREES -> Comparator.<JsonNode>comparingLong(row -> row.path("freedByKillBytes").asLong()).reversed()
                    .thenComparingLong(pid);
            case PID -> Comparator.comparingLong(pid);
            case COMM -> Comparator.<JsonNode, String>comparing(row -> row.path("comm").asText()).thenComparingLong(pid);
        };
    }

    private static String truncated(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    /** Bytes as top shows them: binary units, one decimal, {@code 0} for none. */
    static String bytes(long bytes) {
        return bytes == 0 ? "0" : PipelineStatus.bytes(bytes);
    }
}
