// Draw every Plotly chart (elements with data-figure, see the `chart` macro) on page load
// and whenever HTMX swaps in new content. Plotly is served locally from the plotly package.
// A figure with "clickOpens" opens the address in a clicked point's customdata.
(function () {
  "use strict";

  function drawCharts(root) {
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      if (element.dataset.drawn) {
        return;
      }
      var figure = JSON.parse(element.dataset.figure);
      var config = Object.assign({ displaylogo: false, responsive: true }, figure.config || {});
      element.dataset.drawn = "true";
      Plotly.newPlot(element, figure.data, figure.layout || {}, config).then(function () {
        if (figure.clickOpens) {
          element.on("plotly_click", function (event) {
            var target = event.points.length ? event.points[0].customdata : null;
            if (typeof target === "string" && target.charAt(0) === "/") {
              window.location.assign(target);
            }
          });
          element.dataset.ready = "true";
        }
      });
    });
  }

  htmx.onLoad(drawCharts);
})();
