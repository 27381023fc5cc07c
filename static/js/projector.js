// The ALV projector page: refreshes the vote's totals from its JSON endpoint every two seconds,
// without reloading the page; stops once the vote is closed. No inline script (strict CSP).
(function () {
  "use strict";
  var root = document.querySelector("[data-result-url]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-result-url");
  function show(data) {
    root.querySelectorAll("[data-field]").forEach(function (element) {
      var name = element.getAttribute("data-field");
      if (Object.prototype.hasOwnProperty.call(data, name)) {
        element.textContent = String(data[name]);
      }
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data);
        }
        if (!data || data.status === "open") {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 2000);
})();
