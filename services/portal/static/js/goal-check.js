// Live SMART check: posts the goal being typed to the portal, which answers per letter; the server judges again on submit.
(function () {
  "use strict";
  var form = document.getElementById("goal-form");
  var out = document.getElementById("smart-result");
  if (!form || !out) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  function goal() {
    var skills = [];
    for (var i = 1; i <= 3; i++) {
      var name = form.elements["skill_" + i], level = form.elements["target_" + i];
      if (name && name.value.trim()) { skills.push({skill: name.value.trim(), target_level: level ? level.value : ""}); }
    }
    return {skills: skills, measure: form.elements.measure.value, hours_needed: form.elements.hours_needed.value,
            budget_needed: form.elements.budget_needed.value, relevance: form.elements.relevance.value,
            deadline: form.elements.deadline.value};
  }
  function show(data) {
    out.textContent = "";
    (data.letters || []).forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.ok ? "ok" : "fail";
      li.dataset.letter = item.letter;
      var strong = document.createElement("strong");
      strong.textContent = item.letter;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" " + item.name + ": " + item.message));
      out.appendChild(li);
    });
  }
  var latest = 0;
  function check(retries) {
    // Answers can arrive out of order: only the answer to the newest question is shown.
    var mine = ++latest;
    fetch(form.dataset.check, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"},
          body: JSON.stringify(goal())})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (mine !== latest) { return; }
        if (data) { show(data); } else if (retries > 0) { setTimeout(function () { check(retries - 1); }, 500); }
      })
      .catch(function () {  // the server checks again on submit; a busy moment is worth one more try
        if (mine === latest && retries > 0) { setTimeout(function () { check(retries - 1); }, 500); }
      });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { check(2); }, 350); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(function () { check(2); }, 150); });
}());
