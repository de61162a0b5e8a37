// The chat page: a suggested question fills the message box; a sent message clears it.
(function () {
  "use strict";

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
