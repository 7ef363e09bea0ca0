// The charts of traffic_port_members.html (each member's ports, staff only), drawn by plotly (served by lakou)
// from the JSON the page embeds. A file, not an inline script: the Content-Security-Policy
// allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("members-chart").textContent), L = d.labels;
  d.members.forEach(function (m) {
    var x = m.x.map(function (t) { return new Date(t * 1000).toISOString(); });
    Plotly.newPlot(m.id, [
      {type: "scatter", mode: "lines", name: L["in"], x: x, y: m["in"], line: {color: "#0b6e6e", width: 1.2}, fill: "tozeroy", fillcolor: "rgba(11,110,110,.12)"},
      {type: "scatter", mode: "lines", name: L.out, x: x, y: m.out, line: {color: "#b54708", width: 1}}
    ], {paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", height: 220,
        margin: {l: 70, r: 20, t: 10, b: 30}, legend: {orientation: "h"},
        yaxis: {ticksuffix: "b/s", exponentformat: "SI"}, xaxis: {type: "date"}}, {displaylogo: false, responsive: true});
  });
});
