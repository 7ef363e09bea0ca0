// The chart of traffic_exchange.html, drawn by plotly (served by lakou) from the JSON the page embeds.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("traffic-chart").textContent);
  var L = d.labels, cfg = {displaylogo: false, responsive: true};
  var base = {paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
              margin: {l: 70, r: 20, t: 30, b: 50}, legend: {orientation: "h"}};
  var s = d.series, x = [];
  for (var i = 0; i < s.bps.length; i++) { x.push(new Date((s.start + i * s.bucket) * 1000).toISOString()); }
  Plotly.newPlot("series-chart", [{type: "scatter", mode: "lines", x: x, y: s.bps, name: L.rate,
    line: {color: "#0b6e6e", width: 1.2}, fill: "tozeroy", fillcolor: "rgba(11,110,110,.12)"}],
    Object.assign({}, base, {title: {text: L.series, font: {size: 14}}, height: 340,
      yaxis: {ticksuffix: "b/s", exponentformat: "SI"}, xaxis: {type: "date"}}), cfg);
  var days = d.days.map(function (r) { return r.day; });
  Plotly.newPlot("days-chart", [
    {type: "bar", name: L.mean, x: days, y: d.days.map(function (r) { return r.mean_bps; }), marker: {color: "#9cc9c9"}},
    {type: "bar", name: L.p95, x: days, y: d.days.map(function (r) { return r.p95_bps; }), marker: {color: "#0b6e6e"}},
    {type: "bar", name: L.peak, x: days, y: d.days.map(function (r) { return r.peak_bps; }), marker: {color: "#ffd166"}}
  ], Object.assign({}, base, {title: {text: L.days, font: {size: 14}}, height: 300, barmode: "group",
      yaxis: {ticksuffix: "b/s", exponentformat: "SI"}, xaxis: {type: "category"}}), cfg);
  var m = d.members, short = m.names.map(function (n) { return n.length > 22 ? n.slice(0, 21) + "…" : n; });
  Plotly.newPlot("members-chart", [
    {type: "bar", name: L.out, x: short, y: m.out, marker: {color: "#0b6e6e"}},
    {type: "bar", name: L.in, x: short, y: m["in"], marker: {color: "#9cc9c9"}},
    {type: "scatter", mode: "markers", name: L.out_p95, x: short, y: m.out_p95, marker: {color: "#084f4f", symbol: "line-ew-open", size: 18}},
    {type: "scatter", mode: "markers", name: L.in_p95, x: short, y: m.in_p95, marker: {color: "#b54708", symbol: "line-ew-open", size: 18}}
  ], Object.assign({}, base, {height: 380, barmode: "group", yaxis: {ticksuffix: "b/s", exponentformat: "SI"},
      legend: {orientation: "h", y: 1.15}, margin: {l: 70, r: 20, t: 40, b: 120}}), cfg);
});
