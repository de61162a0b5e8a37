// The chat page: a suggested question fills the message box; a sent message clears it; with
// "Speak replies" on, each new persona reply is read aloud in the persona's voice.
// With a language model (the form's data-stream), the reply streams in as the model writes it.
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

  // Streaming: the CSM's turn at once and the persona's turn growing with each piece of text,
  // both replaced by the exchange's HTML at the end, whose out-of-band parts (state bars,
  // suggestions, score card, conversation id) HTMX swaps in as it does for a whole reply.
  var FAILED = "The reply could not be loaded; try again.";

  function turn(kind, who, text) {
    var element = document.createElement("div");
    element.className = "turn " + kind;
    var label = document.createElement("span");
    label.className = "who";
    label.textContent = who;
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    element.append(label, paragraph);
    return element;
  }

  // One server-sent event: its name and its data lines joined.
  function parseEvent(block) {
    var event = { name: "message", data: [] };
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) {
        event.name = line.slice(6).trim();
      } else if (line.indexOf("data:") === 0) {
        event.data.push(line.slice(line.charAt(5) === " " ? 6 : 5));
      }
    });
    return { name: event.name, data: event.data.join("\n") };
  }

  // Adds each token to `text`; resolves with the exchange's HTML, rejects on any failure.
  async function readExchange(url, body, text, history) {
    var response = await fetch(url, {
      method: "POST",
      body: body,
      headers: { Accept: "text/event-stream" },
    });
    if (!response.ok || !response.body) {
      throw new Error("the server answered " + response.status);
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      buffer += decoder.decode(chunk.value, { stream: !chunk.done });
      var blocks = buffer.split("\n\n");
      buffer = blocks.pop();
      for (var index = 0; index < blocks.length; index += 1) {
        var event = parseEvent(blocks[index]);
        if (event.name === "token") {
          text.textContent += event.data;
          history.scrollTop = history.scrollHeight;
        } else if (event.name === "exchange") {
          return event.data;
        } else if (event.name === "error") {
          throw new Error(event.data);
        }
      }
      if (chunk.done) {
        throw new Error("the reply ended early");
      }
    }
  }

  async function streamExchange(form) {
    var history = document.getElementById("history");
    var box = form.querySelector("textarea");
    var send = form.querySelector('button[type="submit"]');
    var body = new URLSearchParams(new FormData(form));
    var mine = turn("csm", "You", box.value);
    var reply = turn("persona writing", "writing…", "");
    history.querySelectorAll(".stream-failed").forEach(function (notice) {
      notice.remove();
    });
    history.append(mine, reply);
    history.scrollTop = history.scrollHeight;
    history.setAttribute("aria-busy", "true"); // read out once whole, not piece by piece
    send.disabled = true;
    try {
      var html = await readExchange(form.dataset.stream, body, reply.querySelector("p"), history);
      mine.remove();
      reply.remove();
      history.removeAttribute("aria-busy");
      htmx.swap(history, html, { swapStyle: "beforeend" });
      box.value = "";
    } catch (error) {
      mine.remove(); // the message stays in the box, to send again
      reply.remove();
      history.removeAttribute("aria-busy");
      var notice = document.createElement("p");
      notice.className = "error stream-failed";
      notice.setAttribute("role", "alert");
      notice.textContent = FAILED;
      history.append(notice);
    } finally {
      send.disabled = false; // a run that ended swapped in a closed composer instead
      history.scrollTop = history.scrollHeight;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "chat-form" && form.dataset.stream) {
      event.preventDefault();
      streamExchange(form);
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
