// Progressive enhancement: the reply links work without this file
// (?reply_to=ID#comment-form). With it, the form moves under the comment.
// Keyboard users are kept in place: the moved form takes the focus on its
// first field, cancelling gives it back to the reply link, and a form sent
// back with errors puts the focus on the first field to correct.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) return;
  var home = form.parentNode;
  var next = form.nextSibling;
  var parentInput = form.querySelector("input[name=parent]");
  var title = form.querySelector("#comment-form-title");
  var originalTitle = title ? title.textContent : "";
  var opener = null;
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "btn btn-link btn-sm comment-reply-cancel";
  cancel.textContent = form.dataset.cancelLabel || "×";
  cancel.hidden = true;
  if (title) title.after(cancel);

  // The fields in the order a reader fills them (the honeypot has tabindex=-1).
  function firstField() {
    return form.querySelector(
      "input:not([type=hidden]):not([tabindex='-1']), select, textarea"
    );
  }

  // After the page has scrolled to #comment-form: scrolling to the address's
  // fragment would otherwise take the focus back.
  var invalid = form.querySelector("[aria-invalid=true]");
  if (invalid) {
    window.addEventListener("load", function () {
      invalid.focus();
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (!link || !parentInput) return;
    event.preventDefault();
    var article = link.closest(".comment-body");
    article.after(form);
    parentInput.value = link.dataset.comment;
    if (title) {
      // The name in its own isolate: whatever direction it has, it cannot turn the label around.
      var name = document.createElement("bdi");
      name.textContent = link.dataset.name;
      title.textContent = (form.dataset.replyLabel || "") + " ";
      title.appendChild(name);
    }
    cancel.hidden = false;
    opener = link;
    var field = firstField();
    if (field) field.focus();
  });

  cancel.addEventListener("click", function () {
    home.insertBefore(form, next);
    parentInput.value = "";
    if (title) title.textContent = originalTitle;
    cancel.hidden = true;
    if (opener) opener.focus();
    opener = null;
  });
})();
