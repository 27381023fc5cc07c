// The meeting page (governance/board/meeting_prep.py): under an agenda item's narrow file field,
// the names of the files chosen for it. Without this script the field works just the same.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !/-new_documents$/.test(input.name)) {
      return;
    }
    var list = input.parentElement.querySelector("ul.chosen-files");
    if (!list) {
      list = document.createElement("ul");
      list.className = "chosen-files";
      input.insertAdjacentElement("afterend", list);
    }
    list.replaceChildren();
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      list.appendChild(item);
    });
  });
})();
