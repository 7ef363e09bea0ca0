// The charts of territory.html, drawn by plotly (served by lakou) from the JSON the page
// embeds. A file, not an inline script: the Content-Security-Policy allows 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var d = JSON.parse(document.getElementById("territory-chart").textContent);
  var layout = function (title) {
    return {
      title: {text: title, font: {size: 14}}, margin: {l: 40, r: 10, t: 40, b: 60}, height: 280,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
    };
  };
  var options = {displaylogo: false, responsive: true};
  Plotly.newPlot("classes-chart", [{
    type: "bar", x: d.classes.names, y: d.classes.counts,
    marker: {color: ["#0b6e6e", "#2ca02c", "#7f7f7f", "#c9c9c9"]},
    hovertemplate: "%{x}: %{y}<extra></extra>"
  }], layout(d.classes.title), options);
  Plotly.newPlot("confidence-chart", [{
    type: "bar", x: d.confidence.names, y: d.confidence.counts, marker: {color: "#1f77b4"},
    hovertemplate: "%{x}: %{y}<extra></extra>"
  }], layout(d.confidence.title), options);
});
