// Comfort only: every action works without this file.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  form.removeAttribute("data-dirty");
});

// Preference forms apply as soon as a choice changes.
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  form.addEventListener("change", () => form.requestSubmit());
}

// Forms marked data-guard warn before leaving the page with unsaved changes.
for (const form of document.querySelectorAll("form[data-guard]")) {
  const mark = () => form.setAttribute("data-dirty", "");
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
}
window.addEventListener("beforeunload", (event) => {
  if (document.querySelector("form[data-guard][data-dirty]")) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// Dialpad: keys on screen, the keyboard anywhere on the page, backspace, pasted numbers.
const dialpad = document.querySelector("form[data-dialpad]");
if (dialpad) {
  const input = dialpad.querySelector("input[name=number]");
  const allowed = /^[0-9*#+]$/;
  const press = (key) => {
    if (key === "backspace") {
      input.value = input.value.slice(0, -1);
    } else if (allowed.test(key)) {
      input.value += key;
    }
    input.focus();
    const button = dialpad.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (button) {
      button.classList.add("pressed");
      setTimeout(() => button.classList.remove("pressed"), 120);
    }
  };
  dialpad.addEventListener("click", (event) => {
    const button = event.target.closest("[data-key]");
    if (button) press(button.getAttribute("data-key"));
  });
  document.addEventListener("keydown", (event) => {
    if (event.target === input || event.ctrlKey || event.metaKey || event.altKey) return;
    if (allowed.test(event.key)) {
      press(event.key);
      event.preventDefault();
    } else if (event.key === "Backspace") {
      press("backspace");
      event.preventDefault();
    } else if (event.key === "Enter") {
      dialpad.requestSubmit();
    }
  });
  // Typed or pasted text keeps only what a phone can dial.
  // The same rule as the server: "+33 (0)1 …" drops the national "(0)".
  input.addEventListener("input", () => {
    let value = input.value.trim();
    if (/^(\+|00)/.test(value)) value = value.replace("(0)", "");
    const cleaned = value.replace(/[^0-9*#+]/g, "").replace(/(?!^)\+/g, "");
    if (cleaned !== input.value) input.value = cleaned;
  });
}
