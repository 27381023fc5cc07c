/* The admin's autocomplete boxes (select2, for autocomplete_fields) get the name of their field.
   select2 draws a role="combobox" box labelled only by its current value, so an empty box has no
   name at all and a filled one is just "Leiden". Here the box is labelled by the field's <label>
   (in table inlines: the hidden label of templates/admin/edit_inline/tabular.html) and its value.
   Boxes appear later too (a new inline row), so a MutationObserver names them as they come. */
(function () {
  "use strict";
  function nameBoxes() {
    document.querySelectorAll('.select2-selection[role="combobox"]:not([data-vzhg-named])').forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      if (!select || select.tagName !== "SELECT" || !select.id || select.id.indexOf("__prefix__") !== -1) {
        return;
      }
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "-label";
      }
      var value = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", label.id + (value ? " " + value : ""));
      // The value inside (role="textbox") is named by the label as well, also while empty.
      var rendered = value && document.getElementById(value);
      if (rendered) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
      box.setAttribute("data-vzhg-named", "");
    });
  }
  // The magnifier icons of the filter_horizontal selector carry an aria-label on a bare <span>,
  // which ARIA does not allow (Django 5.2's SelectFilter2.js); as an image the label is valid.
  function fixFilterIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  function start() {
    nameBoxes();
    fixFilterIcons();
    new MutationObserver(fixFilterIcons).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(nameBoxes).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
