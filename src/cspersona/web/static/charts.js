// Draw every Plotly chart (elements with data-figure, see the `chart` macro) on page load
// and whenever HTMX swaps in new content. Plotly is served locally from the plotly package.
(function () {
  "use strict";

  function drawCharts(root) {
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      if (element.dataset.drawn) {
        return;
      }
      var figure = JSON.parse(element.dataset.figure);
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      Plotly.newPlot(element, figure.data, figure.layout || {}, config);
      element.dataset.drawn = "true";
    });
  }

  htmx.onLoad(drawCharts);
})();
