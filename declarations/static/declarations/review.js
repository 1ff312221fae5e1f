// Declaration review page: passages ↔ steps, play from a word, kind follows category, shortcuts.
(function () {
  "use strict";
  var player = document.getElementById("player");
  var steps = Array.prototype.slice.call(document.querySelectorAll("article.step"));
  var kindsByCategory = JSON.parse(document.getElementById("kinds-by-category").textContent);
  var current = -1;

  function playFrom(seconds) {
    if (!player || isNaN(seconds)) return;
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  function markPassage(stepId) {
    document.querySelectorAll("#transcript mark.is-current").forEach(function (m) { m.classList.remove("is-current"); });
    var mark = document.getElementById("passage-" + stepId);
    if (mark) {
      mark.classList.add("is-current");
      mark.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    return mark;
  }

  function select(index, focus) {
    if (!steps.length) return;
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (s, i) { s.classList.toggle("is-current", i === current); });
    var step = steps[current];
    step.scrollIntoView({ block: "nearest", behavior: "smooth" });
    if (focus) step.focus({ preventScroll: true });
    markPassage(step.dataset.step);
  }

  function indexOfStep(stepId) {
    for (var i = 0; i < steps.length; i++) if (steps[i].dataset.step === String(stepId)) return i;
    return -1;
  }

  // Click a step's "see the passage" → highlight its passage and play from it.
  document.querySelectorAll(".show-passage").forEach(function (button) {
    button.addEventListener("click", function () {
      select(indexOfStep(button.dataset.step), false);
      var mark = markPassage(button.dataset.step);
      if (mark && mark.dataset.start) playFrom(parseFloat(mark.dataset.start));
    });
  });

  // Click on a step (outside its fields and buttons) → select it and show its passage.
  steps.forEach(function (step, index) {
    step.addEventListener("click", function (event) {
      if (event.target.closest("input, select, textarea, button, a, label")) return;
      select(index, false);
    });
  });

  // Click (or Enter on) a passage → select its step; click a word → play from that word.
  var transcript = document.getElementById("transcript");
  if (transcript) {
    transcript.addEventListener("click", function (event) {
      var word = event.target.closest(".w");
      var mark = event.target.closest("mark");
      if (mark) select(indexOfStep(mark.dataset.step), false);
      if (word) playFrom(parseFloat(word.dataset.start));
      else if (mark && mark.dataset.start) playFrom(parseFloat(mark.dataset.start));
    });
    transcript.addEventListener("keydown", function (event) {
      var mark = event.target.closest("mark");
      if (mark && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        select(indexOfStep(mark.dataset.step), true);
        if (mark.dataset.start) playFrom(parseFloat(mark.dataset.start));
      }
    });
  }

  // Follow playback in the transcript.
  if (player && transcript) {
    var words = Array.prototype.slice.call(transcript.querySelectorAll(".w"));
    var lit = null;
    player.addEventListener("timeupdate", function () {
      var t = player.currentTime, found = null;
      for (var i = 0; i < words.length; i++) {
        if (parseFloat(words[i].dataset.start) <= t) found = words[i]; else break;
      }
      if (found !== lit) {
        if (lit) lit.classList.remove("is-playing");
        if (found) found.classList.add("is-playing");
        lit = found;
      }
    });
  }

  // The kind list follows the category: only that category's kinds are offered.
  document.querySelectorAll("select[name$='-category']").forEach(function (category) {
    var kind = category.form.querySelector("select[name$='-kind']");
    if (!kind) return;
    function sync() {
      var allowed = kindsByCategory[category.value] || [];
      Array.prototype.forEach.call(kind.options, function (option) {
        var ok = allowed.indexOf(option.value) !== -1;
        option.hidden = !ok;
        option.disabled = !ok;
      });
      Array.prototype.forEach.call(kind.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.disabled; });
      });
      if (allowed.indexOf(kind.value) === -1 && allowed.length) kind.value = allowed[0];
    }
    category.addEventListener("change", sync);
    sync();
  });

  // Keyboard: j/k next/previous step, v validate, r reject (a comment is required).
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var key = event.key.toLowerCase();
    if (key === "j") { event.preventDefault(); select(current + 1, true); }
    else if (key === "k") { event.preventDefault(); select(current - 1, true); }
    else if ((key === "v" || key === "r") && current >= 0) {
      var form = steps[current].querySelector("form.step-form");
      if (!form) return;
      event.preventDefault();
      if (key === "v") {
        form.querySelector("[data-action=validate]").click();
      } else {
        var comment = form.querySelector("textarea[name$='-comment']");
        if (comment && !comment.value.trim()) {
          comment.focus();
          comment.setAttribute("placeholder", "Motif du refus, puis Entrée avec Ctrl pour refuser");
        } else {
          form.querySelector("[data-action=reject]").click();
        }
      }
    }
  });

  // Ctrl+Enter in a comment rejects the step.
  document.querySelectorAll("textarea[name$='-comment']").forEach(function (comment) {
    comment.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && comment.value.trim()) {
        event.preventDefault();
        comment.form.querySelector("[data-action=reject]").click();
      }
    });
  });

  // Start on the step the address points to (after a decision: the next pending one), else the first.
  var start = location.hash ? indexOfStep(location.hash.replace("#step-", "")) : -1;
  var firstPending = steps.findIndex(function (s) { return s.classList.contains("step--pending"); });
  select(start >= 0 ? start : Math.max(firstPending, 0), start >= 0);
})();
