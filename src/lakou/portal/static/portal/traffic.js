// The chart of traffic.html, drawn by plotly (served by lakou) from the JSON the page embeds.
// A file, not an inline script: the Content-Security-Policy allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("traffic-chart").textContent);
  Plotly.newPlot("share-chart", [{
    type: "bar", orientation: "h", y: d.names, x: d.share, marker: {color: "#0b6e6e"},
    error_x: {type: "data", array: d.error, visible: true, color: "#1d2a33", thickness: 2, width: 6},
    hovertemplate: "%{y}: %{x:.1f} % ± %{error_x.array:.2f}<extra></extra>"
  }], {
    margin: {l: 200, r: 20, t: 10, b: 40}, height: 60 + 48 * d.names.length,
    xaxis: {range: [0, 100], ticksuffix: " %"}, yaxis: {automargin: true},
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
  }, {displaylogo: false, responsive: true});
});
