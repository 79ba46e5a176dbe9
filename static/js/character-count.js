// Progressive enhancement: a live count under each textarea that has a
// data-max-length. Nothing is ever cut: the field has no maxlength, and the
// server refuses a text that is too long, giving it back whole. Without this
// file the limit is still in the field's help text.
//
// The count is counted as the server counts it: characters (code points, so
// an emoji is one), line breaks once, spaces at the ends left out. The
// visible count changes as one types; screen readers hear it through a
// polite live region once typing pauses, not at every key.
(function () {
  "use strict";
  var PAUSE_MS = 800;

  function length(text) {
    return Array.from(text.trim()).length;
  }

  function enhance(field, index) {
    var limit = parseInt(field.dataset.maxLength, 10);
    if (!(limit > 0)) return;
    var count = document.createElement("p");
    count.className = "character-count form-text";
    count.id = (field.id || "text-" + index) + "-count";
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.after(count, spoken);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);

    var timer = null;
    function message() {
      var left = limit - length(field.value);
      return left >= 0
        ? field.dataset.leftLabel + " " + left
        : field.dataset.overLabel + " " + -left;
    }
    function update(announce) {
      var text = message();
      var over = length(field.value) > limit;
      count.textContent = text;
      count.classList.toggle("is-over", over);
      clearTimeout(timer);
      if (announce) {
        timer = setTimeout(function () {
          spoken.textContent = text;
        }, PAUSE_MS);
      }
    }
    field.addEventListener("input", function () {
      update(true);
    });
    update(false);
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("textarea[data-max-length]"),
    enhance
  );
})();
