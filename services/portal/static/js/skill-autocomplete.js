// Skill fields as an ARIA 1.2 combobox over the taxonomy (the portal's /portal-api/skills, no token in the
// browser). The taxonomy ranks exact and prefix matches in the user's language first; the last option adds the
// typed text as a new skill, which ticks the form's "new skill" box, so a half-typed word is never saved silently.
(function () {
  "use strict";

  function attach(input) {
    var listId = input.id + "-listbox";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var newBox = input.dataset.newChoice ? document.getElementById(input.dataset.newChoice) : null;
    var timer = null, last = "", options = [], active = -1;
    input.removeAttribute("list");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "");
    list.className = "combobox-list";
    list.hidden = true;
    status.className = "sr-only";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      if (option.dataset.new === "1") {
        input.value = option.dataset.value;
        if (newBox) { newBox.checked = true; }
      } else {
        input.value = option.dataset.value;
        if (newBox) { newBox.checked = false; }
        var category = document.getElementById("category");
        var type = option.dataset.type || "";
        if (category && type) {
          category.value = (type.indexOf("behav") === 0 || type.indexOf("soft") === 0) ? "behavioural" : "technical";
        }
      }
      last = input.value.trim();
      close();
    }

    function render(skills, typed) {
      list.innerHTML = "";
      options = [];
      skills.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.value = s.label;
        li.dataset.type = s.type || "";
        li.textContent = s.label;
        options.push(li);
      });
      var exact = skills.some(function (s) { return s.label.toLowerCase() === typed.toLowerCase(); });
      if (!exact && newBox) {
        var add = document.createElement("li");
        add.id = listId + "-new";
        add.setAttribute("role", "option");
        add.className = "new-skill";
        add.dataset.new = "1";
        add.dataset.value = typed;
        add.textContent = input.dataset.newLabel.replace("%s", typed);
        options.push(add);
      }
      options.forEach(function (o) {
        o.setAttribute("aria-selected", "false");
        o.addEventListener("mousedown", function (event) { event.preventDefault(); choose(o); });
        list.appendChild(o);
      });
      status.textContent = skills.length ? (input.dataset.count || "%d").replace("%d", String(skills.length)) :
        (input.dataset.none || "");
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      active = -1;
    }

    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (newBox) { newBox.checked = false; }  // a changed text is a new choice
      clearTimeout(timer);
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        last = q;
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
              headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {skills: []}; })
          .then(function (data) { if (input.value.trim() === q) { render(data.skills || [], q); } })
          .catch(function () { /* autocomplete is a help, never a blocker */ });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= 2 && options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          highlight(0);
          event.preventDefault();
        }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight((active + 1) % options.length);
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(active <= 0 ? options.length - 1 : active - 1);
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        choose(options[active]);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
}());
