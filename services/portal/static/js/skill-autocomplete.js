// Skill autocomplete: fills the input's <datalist> from the portal's /portal-api/skills (no token in the browser).
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
              headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {skills: []}; })
          .then(function (data) {
            Array.prototype.slice.call(list.querySelectorAll("option.fetched")).forEach(function (o) { o.remove(); });
            (data.skills || []).forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.label;
              option.className = "fetched";
              if (s.type) { option.dataset.type = s.type; }
              list.appendChild(option);
            });
          })
          .catch(function () { /* autocomplete is a help, never a blocker */ });
      }, 250);
    });
    input.addEventListener("change", function () {
      var category = document.getElementById("category");
      var match = list.querySelector('option[value="' + CSS.escape(input.value) + '"]');
      if (category && match && match.dataset.type) {
        var wanted = match.dataset.type.indexOf("behav") === 0 || match.dataset.type.indexOf("soft") === 0 ?
          "behavioural" : "technical";
        category.value = wanted;
      }
    });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
}());
