// Newsletter admin: confirm before sending to everyone; follow the progress of a send.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var progress = document.querySelector(".newsletter-progress[data-status='sending']");
    if (progress) {
      // Reload while the edition is being sent, so the counts stay current.
      window.setTimeout(function () { window.location.reload(); }, 3000);
    }
  });
})();
