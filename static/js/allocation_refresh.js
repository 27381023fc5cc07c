// The allocation page while its results are being sent (templates/admin/events/event/
// allocation.html loads this only then): every few seconds the page is fetched again and the
// progress line ("120 of 500 sent.", role=status) replaced; once the send is over the page is
// reloaded, so its buttons and "Results sent on …" are current. A static file: the CSP allows
// no inline script.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;

  function poll() {
    var current = document.getElementById("sending");
    if (!current || !window.fetch || !window.DOMParser) {
      return;
    }
    window.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) {
          return;
        }
        var fresh = new window.DOMParser().parseFromString(text, "text/html");
        var sending = fresh.getElementById("sending");
        if (!sending || !fresh.querySelector("[data-refresh-while-sending]")) {
          window.location.reload();  // done or failed: show the page as it is now
          return;
        }
        current.textContent = sending.textContent;
        window.setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () { window.setTimeout(poll, INTERVAL_MS); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-refresh-while-sending]")) {
      window.setTimeout(poll, INTERVAL_MS);
    }
  });
})();
