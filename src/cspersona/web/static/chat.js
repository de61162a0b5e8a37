// The chat page: a suggested question fills the message box; a sent message clears it; with
// "Speak replies" on, each new persona reply is read aloud in the persona's voice.
// Picking a scenario marks its best-fitting persona and selects it, unless the CSM chose one.
// The analyst's "New scenario" form shows the server's one-line fault (a 4xx) under the form.
(function () {
  "use strict";

  var SPEAK_KEY = "cspersona.speakReplies";
  var synthesis = window.speechSynthesis;

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

  // Speech: off unless the CSM turned it on (remembered in this browser).
  function speaking() {
    var toggle = document.getElementById("speak-toggle");
    return Boolean(toggle) && toggle.getAttribute("aria-pressed") === "true";
  }

  // The persona's voice: one of the browser's voices for the language, picked by the server's
  // voice index so a persona always sounds the same; none when the browser lists no voice.
  function voiceFor(lang, index) {
    var voices = synthesis.getVoices().filter(function (voice) {
      return voice.lang.toLowerCase().indexOf(lang) === 0;
    });
    voices.sort(function (a, b) {
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    return voices.length ? voices[index % voices.length] : null;
  }

  function speak(turn) {
    var text = turn.querySelector("p").textContent;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = turn.dataset.speechLang;
    utterance.rate = parseFloat(turn.dataset.speechRate);
    utterance.pitch = parseFloat(turn.dataset.speechPitch);
    var voice = voiceFor(turn.dataset.speechLang, parseInt(turn.dataset.speechVoice, 10));
    if (voice) {
      utterance.voice = voice;
    }
    synthesis.cancel(); // a new reply supersedes one still being read
    synthesis.speak(utterance);
  }

  // Each reply is considered once, when it arrives: turning speech on never reads the backlog.
  document.addEventListener("htmx:afterSwap", function () {
    var fresh = document.querySelectorAll("#history [data-speech-rate]:not([data-heard])");
    fresh.forEach(function (turn) {
      turn.setAttribute("data-heard", "");
      if (speaking()) {
        speak(turn);
      }
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("speak-toggle");
    if (!toggle || !synthesis) {
      return; // no chat, or a browser without speech synthesis: the toggle stays hidden
    }
    toggle.setAttribute("aria-pressed", String(localStorage.getItem(SPEAK_KEY) === "on"));
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var on = !speaking();
      toggle.setAttribute("aria-pressed", String(on));
      localStorage.setItem(SPEAK_KEY, on ? "on" : "off");
      if (!on) {
        synthesis.cancel();
      }
    });
  });
})();
