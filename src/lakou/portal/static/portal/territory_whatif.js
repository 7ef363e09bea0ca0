// The charts of territory_whatif.html (plotly served by lakou; no inline script: CSP 'self').
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("whatif-chart").textContent);
  var options = {displaylogo: false, responsive: true};
  var clear = {paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"};
  Plotly.newPlot("states-chart", [
    {type: "bar", name: d.labels.reachable, x: d.states, y: d.reachable, marker: {color: "#1f77b4"}},
    {type: "bar", name: d.labels.domestic, x: d.states, y: d.domestic, marker: {color: "#2ca02c"}}
  ], Object.assign({
    barmode: "group", height: 360, yaxis: {range: [0, 100], ticksuffix: " %"},
    margin: {l: 50, r: 10, t: 10, b: 40}, legend: {orientation: "h", y: -0.25}
  }, clear), options);
  var colors = [[0, "#d62728"], [0.33, "#d62728"], [0.34, "#ff7f0e"], [0.66, "#ff7f0e"],
                [0.67, "#2ca02c"], [1, "#2ca02c"]];
  d.matrices.forEach(function (m, n) {
    var text = m.z.map(function (row) {
      return row.map(function (v) { return v === null ? "" : d.labels.meaning[v]; });
    });
    Plotly.newPlot("matrix-" + n, [{
      type: "heatmap", z: m.z, x: d.axis, y: d.axis, text: text, zmin: 0, zmax: 2,
      xgap: 1, ygap: 1, colorscale: colors, showscale: false,
      hovertemplate: d.labels.from + " %{y} " + d.labels.to + " %{x}: %{text}<extra></extra>"
    }], Object.assign({
      title: {text: m.title, font: {size: 14}}, height: 480,
      margin: {l: 110, r: 10, t: 40, b: 110}, yaxis: {autorange: "reversed"}
    }, clear), options);
  });
  if (document.getElementById("candidates-chart") && d.candidates.subjects.length) {
    var c = d.candidates;
    Plotly.newPlot("candidates-chart", [
      {type: "bar", orientation: "h", name: d.labels.reconnected, y: c.subjects.slice().reverse(),
       x: c.reconnected.slice().reverse(), marker: {color: "#1f77b4"}},
      {type: "bar", orientation: "h", name: d.labels.normal, y: c.subjects.slice().reverse(),
       x: c.normal.slice().reverse(), marker: {color: "#2ca02c"}}
    ], Object.assign({
      barmode: "group", height: 120 + 45 * c.subjects.length,
      margin: {l: 10, r: 10, t: 10, b: 30}, yaxis: {automargin: true},
      legend: {orientation: "h"}
    }, clear), options);
  }
});
