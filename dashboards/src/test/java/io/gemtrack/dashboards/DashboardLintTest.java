package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What makes a dashboard usable, checked without a Grafana: every panel has a query, a unit and a description,
 * legends name their series, and queries use only variables the dashboard defines. Whether the queries return
 * data is DashboardQueriesIT's job.
 */
class DashboardLintTest {

    private static final List<String> EXPECTED = List.of("containers.json", "fleet-overview.json", "host-drill-down.json",
            "pipeline-health.json", "policy-comparison.json", "process-drill-down.json");

    @Test
    void theSixDashboardsExistWithDistinctIdsAndShareATag() {
        List<Dashboards.Dashboard> dashboards = Dashboards.all();
        assertThat(dashboards).extracting(Dashboards.Dashboard::file).containsExactlyElementsOf(EXPECTED);
        Set<String> uids = new HashSet<>();
        for (Dashboards.Dashboard dashboard : dashboards) {
            assertThat(uids.add(dashboard.json().path("uid").asText())).as("unique uid in %s", dashboard.file()).isTrue();
            assertThat(dashboard.json().path("tags").toString()).as("tags of %s", dashboard.file()).contains("\"gemtrack\"");
            assertThat(dashboard.variables()).as("variables of %s", dashboard.file())
                    .anyMatch(variable -> variable.name().equals("datasource") && variable.type().equals("datasource"));
        }
    }

    @Test
    void everyPanelHasATitleADescriptionAUnitAndQueries() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.Dashboard dashboard : Dashboards.all()) {
            for (Dashboards.Panel panel : dashboard.panels()) {
                if (panel.title().isBlank() || panel.json().path("description").asText().isBlank()) {
                    problems.add(panel + ": no title or description");
                }
                if (panel.json().path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
                    problems.add(panel + ": no unit");
                }
                if (panel.targets().isEmpty()) {
                    problems.add(panel + ": no query");
                }
                if (!panel.json().path("datasource").path("uid").asText().equals("${datasource}")) {
                    problems.add(panel + ": data source is not the dashboard's $datasource");
                }
                for (JsonNode target : panel.targets()) {
                    problems.addAll(targetProblems(panel, target));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void queriesUseOnlyDefinedVariables() {
        List<String> problems = new ArrayList<>();
        for (Dashboards.Dashboard dashboard : Dashboards.all()) {
            Set<String> defined = new HashSet<>(Dashboards.BUILT_IN_VARIABLES);
            dashboard.variables().forEach(variable -> defined.add(variable.name()));
            List<String> queries = new ArrayList<>();
            dashboard.variables().forEach(variable -> queries.add(variable.query()));
            dashboard.panels().forEach(panel -> panel.targets().forEach(target -> queries.add(target.path("expr").asText())));
            for (String query : queries) {
                for (String used : Dashboards.variablesIn(query)) {
                    if (!defined.contains(used)) {
                        problems.add(dashboard.file() + ": $" + used + " is not defined, in " + query);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static List<String> targetProblems(Dashboards.Panel panel, JsonNode target) {
        List<String> problems = new ArrayList<>();
        if (target.path("expr").asText().isBlank()) {
            problems.add(panel + ": a query without an expression");
        }
        // A table names its columns from labels; every other panel needs a legend that says which series is which.
        boolean table = target.path("format").asText().equals("table");
        if (!table && target.path("legendFormat").asText().isBlank()) {
            problems.add(panel + ": no legend for " + target.path("expr").asText());
        }
        return problems;
    }
}
