// The chart of territory_paths.html (plotly served by lakou; no inline script: CSP 'self').
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("paths-chart-data").textContent);
  var colors = {exchange: "#0b6e6e", local: "#2ca02c", left: "#d62728", unknown: "#c9c9c9"};
  var traces = d.keys.map(function (key, i) {
    return {
      type: "bar", orientation: "h", name: d.names[i], y: [""], x: [d.share[i]],
      marker: {color: colors[key]}, customdata: [d.counts[i]],
      hovertemplate: d.names[i] + ": %{x:.1f} % (%{customdata})<extra></extra>"
    };
  });
  Plotly.newPlot("paths-chart", traces, {
    barmode: "stack", height: 170, margin: {l: 10, r: 10, t: 10, b: 30},
    xaxis: {range: [0, 100], ticksuffix: " %"}, legend: {orientation: "h", y: -0.5},
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
  }, {displaylogo: false, responsive: true});
});
