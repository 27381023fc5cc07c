// The check-in page's camera scanner (templates/admin/events/event/checkin.html). It reads QR
// codes with jsQR (static/vendor/jsqr, from npm) from the phone's camera, puts what it read in
// the "code" field and submits the form — the same POST as typing the code in, so the page
// works without a camera or JavaScript too. No inline script or eval (strict CSP).
(function () {
  "use strict";

  function start(box) {
    var form = document.querySelector("[data-checkin-form]");
    var field = form && form.querySelector("input[name=code]");
    var startButton = box.querySelector("[data-checkin-start]");
    var stopButton = box.querySelector("[data-checkin-stop]");
    var video = box.querySelector("[data-checkin-video]");
    var status = box.querySelector("[data-checkin-status]");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var done = false;

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
    }

    function tick() {
      if (!stream || done) {
        return;
      }
      if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code && code.data) {
          done = true;
          field.value = code.data;
          stop();
          form.submit();
          return;
        }
      }
      window.requestAnimationFrame(tick);
    }

    startButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(
        function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          stopButton.hidden = false;
          startButton.hidden = true;
          status.textContent = status.getAttribute("data-scanning");
          video.play();
          window.requestAnimationFrame(tick);
        },
        function () {
          status.textContent = status.getAttribute("data-no-camera");
        }
      );
    });
    stopButton.addEventListener("click", stop);
    box.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-checkin-camera]");
    if (box && window.jsQR && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      start(box);
    }
  });
})();
