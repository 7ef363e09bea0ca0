// The charts of traffic_ports.html (port traffic of an exchange), drawn by plotly (served by lakou)
// from the JSON the page embeds. A file, not an inline script: the Content-Security-Policy
// allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("ports-chart").textContent), L = d.labels;
  var cfg = {displaylogo: false, responsive: true};
  Object.keys(d.periods).forEach(function (key) {
    var p = d.periods[key], el = document.getElementById("chart-" + key);
    if (!el) { return; }
    var x = p.x.map(function (t) { return new Date(t * 1000).toISOString(); });
    Plotly.newPlot(el, [
      {type: "scatter", mode: "lines", name: L["in"], x: x, y: p["in"], line: {color: "#0b6e6e", width: 1.2}, fill: "tozeroy", fillcolor: "rgba(11,110,110,.12)", connectgaps: false},
      {type: "scatter", mode: "lines", name: L.out, x: x, y: p.out, line: {color: "#b54708", width: 1}, connectgaps: false}
    ], {paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", height: 300,
        margin: {l: 70, r: 20, t: 20, b: 40}, legend: {orientation: "h"},
        yaxis: {ticksuffix: "b/s", exponentformat: "SI"}, xaxis: {type: "date"}}, cfg);
  });
});
