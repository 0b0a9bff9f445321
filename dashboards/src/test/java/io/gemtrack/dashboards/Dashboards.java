package io.gemtrack.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards of {@code grafana/dashboards}, read as Grafana would: panels (rows flattened), queries, variables. */
final class Dashboards {

    /** Grafana's own interval variables, which every dashboard may use. */
    static final List<String> BUILT_IN_VARIABLES = List.of("__rate_interval", "__interval", "__range");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    record Dashboard(String file, JsonNode json) {

        /** Every panel that shows data: rows are only containers, their nested panels count. */
        List<Panel> panels() {
            List<Panel> panels = new ArrayList<>();
            for (JsonNode panel : json.path("panels")) {
                if (panel.path("type").asText().equals("row")) {
                    panel.path("panels").forEach(nested -> panels.add(new Panel(this, nested)));
                } else {
                    panels.add(new Panel(this, panel));
                }
            }
            return panels;
        }

        /** The template variables, by name, with their query ({@code label_values(...)}; empty for a data-source variable). */
        List<Variable> variables() {
            List<Variable> variables = new ArrayList<>();
            for (JsonNode variable : json.path("templating").path("list")) {
                variables.add(new Variable(variable.path("name").asText(), variable.path("type").asText(),
                        variable.path("query").path("query").asText()));
            }
            return variables;
        }
    }

    record Panel(Dashboard dashboard, JsonNode json) {

        String title() {
            return json.path("title").asText();
        }

        List<JsonNode> targets() {
            List<JsonNode> targets = new ArrayList<>();
            json.path("targets").forEach(targets::add);
            return targets;
        }

        @Override
        public String toString() {
            return dashboard.file() + " / " + title();
        }
    }

    record Variable(String name, String type, String query) {
    }

    private Dashboards() {
    }

    static List<Dashboard> all() {
        try (Stream<Path> files = Files.list(Tools.moduleFile("grafana/dashboards"))) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().map(Dashboards::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Dashboard read(Path file) {
        try {
            return new Dashboard(file.getFileName().toString(), JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard " + file, e);
        }
    }

    /** The names of the variables a query uses ({@code $host}, {@code ${host}}, {@code $__rate_interval}). */
    static List<String> variablesIn(String query) {
        List<String> names = new ArrayList<>();
        Matcher matcher = VARIABLE.matcher(query);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The query as Grafana would send it, with each variable replaced; an unknown variable is an error. */
    static String substitute(String query, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(query);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + matcher.group(1) + " in " + query);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(result).toString();
    }
}
