// The charts of accounts/member_traffic.html (a member's traffic), drawn by plotly (served by
// lakou) from the JSON the page embeds: its traffic with each member with the 95% error bars,
// and its ports over the last week. A file, not an inline script: the Content-Security-Policy
// allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("member-traffic-chart").textContent), L = d.labels;
  var layout = function (extra) {
    return Object.assign({paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", height: 260,
      margin: {l: 70, r: 20, t: 10, b: 80}, legend: {orientation: "h"}, yaxis: {ticksuffix: "b/s", exponentformat: "SI"}}, extra || {});
  };
  d.exchanges.forEach(function (e) {
    if (!document.getElementById(e.id)) { return; }
    Plotly.newPlot(e.id, [
      {type: "bar", name: L.sent, x: e.sent.names, y: e.sent.bps, marker: {color: "#b54708"},
       error_y: {type: "data", array: e.sent.error, visible: true, color: "#1d2a33"}},
      {type: "bar", name: L.received, x: e.received.names, y: e.received.bps, marker: {color: "#0b6e6e"},
       error_y: {type: "data", array: e.received.error, visible: true, color: "#1d2a33"}}
    ], layout({barmode: "group"}), {displaylogo: false, responsive: true});
  });
  d.ports.forEach(function (p) {
    if (!document.getElementById(p.id)) { return; }
    var x = p.x.map(function (t) { return new Date(t * 1000).toISOString(); });
    Plotly.newPlot(p.id, [
      {type: "scatter", mode: "lines", name: L["in"], x: x, y: p["in"], line: {color: "#0b6e6e", width: 1.2}, fill: "tozeroy", fillcolor: "rgba(11,110,110,.12)"},
      {type: "scatter", mode: "lines", name: L.out, x: x, y: p.out, line: {color: "#b54708", width: 1}}
    ], layout({xaxis: {type: "date"}, margin: {l: 70, r: 20, t: 10, b: 30}}), {displaylogo: false, responsive: true});
  });
});
