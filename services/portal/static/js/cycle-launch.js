// Launch a cycle without leaving the page: the launch runs in the plan service while this page polls the
// cycle's stored progress (any portal worker can answer). A launch cut off by a time-out is posted again and
// goes on where the service's record ends, until it reports everyone dealt with.
(function () {
  "use strict";
  var form = document.getElementById("launch-form");
  if (!form || !window.fetch) { return; }
  var bar = document.getElementById("launch-progress");
  var text = document.getElementById("launch-progress-text");
  var MAX_ROUNDS = 50;
  function show(progress) {
    if (!progress) { return; }
    bar.max = progress.total || 1;
    bar.value = progress.done;
    text.textContent = form.dataset.running.replace("{done}", progress.done).replace("{total}", progress.total);
  }
  function poll() {
    return fetch(form.dataset.progress, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; }).then(show).catch(function () {});
  }
  function launch(round) {
    return fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                               headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {complete: true}; })
      .catch(function () { return {complete: false}; })
      .then(function (answer) {
        return answer.complete || round >= MAX_ROUNDS ? answer : launch(round + 1);
      });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    form.classList.add("running");
    var timer = window.setInterval(poll, 700);
    launch(1).then(function (answer) {
      window.clearInterval(timer);
      return poll().then(function () { window.location.assign(answer.next || window.location.href); });
    });
  });
})();
