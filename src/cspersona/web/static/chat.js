// The chat page: a suggested question fills the message box; a sent message clears it.
// Picking a scenario marks its best-fitting persona and selects it, unless the CSM chose one.
// The analyst's "New scenario" form shows the server's one-line fault (a 4xx) under the form.
(function () {
  "use strict";

  var BEST_FIT = " (best fit)";
  var personaChosen = false;

  document.addEventListener("change", function (event) {
    if (event.target.id === "persona-picker") {
      personaChosen = true;
      return;
    }
    if (event.target.id !== "scenario-picker") {
      return;
    }
    var scenario = event.target.selectedOptions[0];
    var bestFit = scenario ? scenario.dataset.bestFit : "";
    var personas = document.getElementById("persona-picker");
    Array.prototype.forEach.call(personas.options, function (option) {
      option.textContent = option.dataset.name + (option.value === bestFit ? BEST_FIT : "");
    });
    if (bestFit && !personaChosen) {
      personas.value = bestFit;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (event.detail.target.id === "new-scenario-result" && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".suggestion");
    if (!button) {
      return;
    }
    var box = document.querySelector("#chat-form textarea");
    box.value = button.textContent;
    box.focus();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.id === "chat-form" && event.detail.successful) {
      var box = event.detail.elt.querySelector("textarea");
      if (box) {
        box.value = "";
      }
      var history = document.getElementById("history");
      history.scrollTop = history.scrollHeight;
    }
  });
})();
