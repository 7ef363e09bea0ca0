// The charts of territory.html, drawn by plotly (served by lakou) from the JSON the page
// embeds. A file, not an inline script: the Content-Security-Policy allows 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var options = {displaylogo: false, responsive: true};
  var clear = {paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"};
  var layout = function (title) {
    return Object.assign({
      title: {text: title, font: {size: 14}}, margin: {l: 40, r: 10, t: 40, b: 60}, height: 280
    }, clear);
  };
  var data = document.getElementById("territory-chart");
  if (data) {
    var d = JSON.parse(data.textContent);
    Plotly.newPlot("classes-chart", [{
      type: "bar", x: d.classes.names, y: d.classes.counts,
      marker: {color: ["#0b6e6e", "#2ca02c", "#7f7f7f", "#c9c9c9"]},
      hovertemplate: "%{x}: %{y}<extra></extra>"
    }], layout(d.classes.title), options);
    Plotly.newPlot("confidence-chart", [{
      type: "bar", x: d.confidence.names, y: d.confidence.counts, marker: {color: "#1f77b4"},
      hovertemplate: "%{x}: %{y}<extra></extra>"
    }], layout(d.confidence.title), options);
  }
  var content = document.getElementById("content-chart-data");
  if (content) {
    var c = JSON.parse(content.textContent);
    var names = c.names.slice().reverse();
    Plotly.newPlot("content-chart", [
      {type: "bar", orientation: "h", name: c.labels.here, y: names,
       x: c.here.slice().reverse(), marker: {color: "#2ca02c"}},
      {type: "bar", orientation: "h", name: c.labels.abroad, y: names,
       x: c.abroad.slice().reverse(), marker: {color: "#d62728"}}
    ], Object.assign({
      barmode: "stack", height: 120 + 32 * names.length, yaxis: {automargin: true},
      xaxis: {title: {text: c.labels.bytes}}, margin: {l: 10, r: 10, t: 10, b: 40},
      legend: {orientation: "h"}
    }, clear), options);
  }
});
