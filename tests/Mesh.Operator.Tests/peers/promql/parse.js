// Parses PromQL with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser of Prometheus' web UI), which
// nobody here wrote. stdin: a JSON array of expressions; stdout: a JSON array with one result per expression, in
// order: {errors: [text near each syntax error], metrics: [metric names selected], labels: [label names used in
// matchers and in by/without/on/ignoring clauses]}. Grafana's interval variables ($__rate_interval, $__interval,
// $__range) are replaced by a duration first, as Grafana interpolates them before sending a query.
"use strict";
const { parser } = require("@prometheus-io/lezer-promql");

function analyse(source) {
  const expr = source.replace(/\$__(rate_interval|interval|range)\b/g, "5m");
  const errors = [];
  const metrics = new Set();
  const labels = new Set();
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(`at ${node.from}: '${expr.slice(Math.max(0, node.from - 20), node.to + 20)}'`);
      } else if (node.name === "Identifier" && node.node.parent && node.node.parent.name === "VectorSelector") {
        metrics.add(expr.slice(node.from, node.to));
      } else if (node.name === "LabelName") {
        labels.add(expr.slice(node.from, node.to));
      }
    },
  });
  return { errors, metrics: [...metrics], labels: [...labels] };
}

const expressions = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(expressions.map(analyse)));
