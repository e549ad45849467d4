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

// Sticky bars sit under the top bar, whose height depends on the language and the window.
const topbar = document.querySelector(".topbar");
if (topbar) {
  const measure = () => document.documentElement.style.setProperty("--topbar-height", `${topbar.offsetHeight}px`);
  measure();
  window.addEventListener("resize", measure);
}

// Preference forms apply as soon as a choice changes, so their Save button is for pages without this file. A theme is
// saved in the background and applied where the page is (no reload, no jump); a language reloads the page in it.
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  for (const button of form.querySelectorAll("[data-without-script]")) button.hidden = true;
  const status = form.querySelector("[data-autosubmit-status]");
  form.addEventListener("change", async (event) => {
    if (event.target.name !== "theme") {
      form.requestSubmit();
      return;
    }
    if (status) status.textContent = "";
    const response = await fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" });
    if (!response.ok) {
      form.requestSubmit();
      return;
    }
    document.documentElement.setAttribute("data-theme", event.target.value);
    if (status) status.textContent = status.getAttribute("data-saved");
  });
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
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const button = dialpad.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (button) {
      button.classList.add("pressed");
      setTimeout(() => button.classList.remove("pressed"), 120);
    }
  };
  // Holding 0 gives "+", as on a phone.
  let held = null;
  let plusGiven = false;
  dialpad.addEventListener("pointerdown", (event) => {
    if (!event.target.closest("[data-key='0']")) return;
    plusGiven = false;
    held = setTimeout(() => { plusGiven = true; press("+"); }, 500);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel"]) {
    dialpad.addEventListener(type, () => clearTimeout(held));
  }
  dialpad.addEventListener("click", (event) => {
    const button = event.target.closest("[data-key]");
    if (!button) return;
    if (button.getAttribute("data-key") === "0" && plusGiven) {
      plusGiven = false;
      return;
    }
    press(button.getAttribute("data-key"));
  });
  // The contacts whose numbers match what is typed, fetched as it changes (the page's own rendering of ?number=).
  const matches = document.querySelector("[data-live-region='dialpad-matches']");
  let matchTimer = null;
  let matchGeneration = 0;
  input.addEventListener("input", () => {
    if (!matches) return;
    clearTimeout(matchTimer);
    matchTimer = setTimeout(async () => {
      const mine = ++matchGeneration;
      const url = dialpad.action + "?" + new URLSearchParams({ number: input.value });
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (mine !== matchGeneration || !response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = next.querySelector("[data-live-region='dialpad-matches']");
      const current = document.querySelector("[data-live-region='dialpad-matches']");
      // The region stays (a screen reader announces changes to a live region it knows); its content changes.
      // (The fresh nodes are listed first: adopting one takes it out of the fetched page's live list.)
      if (fresh && current) current.replaceChildren(...[...fresh.childNodes].map((node) => document.adoptNode(node)));
    }, 200);
  });
  document.addEventListener("keydown", (event) => {
    if (event.target === input || event.ctrlKey || event.metaKey || event.altKey) return;
    // Keys pressed on a link, a button or another field are theirs (Enter on a match's Call button calls that match).
    if (event.target.closest && event.target.closest("a, button, input, select, textarea")) return;
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

// Repeated rows of the contact form (numbers, e-mails, addresses): the page always offers blank
// rows; this adds more on demand.
for (const button of document.querySelectorAll("[data-repeat-add]")) {
  const list = document.querySelector(`[data-repeat="${button.getAttribute("data-repeat-add")}"]`);
  if (!list) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const rows = list.querySelectorAll("[data-repeat-row]");
    const row = rows[rows.length - 1].cloneNode(true);
    for (const field of row.querySelectorAll("input")) {
      if (field.type === "radio") {
        field.checked = false;
        field.value = String(rows.length);
      } else {
        field.value = "";
      }
    }
    list.appendChild(row);
    const first = row.querySelector("input:not([type=radio])");
    if (first) first.focus();
  });
}

// Contacts list: selection with click, Shift-click ranges and Ctrl/Cmd-click toggles (and the
// same from the keyboard on the checkboxes: Space toggles, Shift+Space selects a range).
const selectionForm = () => document.querySelector("form[data-selection]");
let selectionAnchor = null;

const contactRows = () => Array.from(document.querySelectorAll("tr[data-contact-row]"));
const rowBox = (row) => row.querySelector("input[type=checkbox]");

function refreshSelection() {
  const form = selectionForm();
  if (!form) return;
  let count = 0;
  let readOnly = false;
  for (const row of contactRows()) {
    const box = rowBox(row);
    row.classList.toggle("selected", box.checked);
    if (box.checked) {
      count += 1;
      if (box.hasAttribute("data-readonly")) readOnly = true;
    }
  }
  const counter = form.querySelector("[data-selection-count]");
  if (counter) counter.textContent = count ? counter.getAttribute("data-template").replace("{count}", count) : "";
  // The bar's actions act on the selection: off while nothing is selected (without this file they are always on,
  // and an empty selection is answered in words); deleting also needs every selected contact to be writable.
  for (const button of form.querySelectorAll(".selection-bar [name=action]")) {
    button.disabled = count === 0 || (button.value === "delete" && readOnly);
  }
  const group = form.querySelector("[data-testid=selection-group]");
  if (group) group.disabled = count === 0;
}

function selectRange(toRow, additive) {
  const rows = contactRows();
  const from = rows.indexOf(selectionAnchor || toRow);
  const to = rows.indexOf(toRow);
  const [low, high] = from < to ? [from, to] : [to, from];
  rows.forEach((row, index) => {
    if (index >= low && index <= high) rowBox(row).checked = true;
    else if (!additive) rowBox(row).checked = false;
  });
}

document.addEventListener("mousedown", (event) => {
  // Shift-click would otherwise select the page's text.
  if (event.shiftKey && event.target.closest("tr[data-contact-row]")) event.preventDefault();
});

document.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-contact-row]");
  if (!row || event.target.closest("a, button")) return;
  const box = rowBox(row);
  const onBox = event.target === box;
  if (event.shiftKey) {
    // On the checkbox itself the browser has already toggled it; the range decides its state.
    selectRange(row, event.ctrlKey || event.metaKey);
  } else if (event.ctrlKey || event.metaKey || onBox) {
    if (!onBox) box.checked = !box.checked;
    selectionAnchor = row;
  } else {
    for (const other of contactRows()) rowBox(other).checked = other === row;
    selectionAnchor = row;
  }
  refreshSelection();
});

document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
  const row = box.closest("tr[data-contact-row]");
  if (!row) return;
  const rows = contactRows();
  if (event.key === " " && event.shiftKey) {
    event.preventDefault();
    selectRange(row, true);
    refreshSelection();
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    const next = rows[rows.indexOf(row) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) {
      event.preventDefault();
      rowBox(next).focus();
      if (event.shiftKey) {
        rowBox(next).checked = true;
        refreshSelection();
      }
    }
  }
});

document.addEventListener("change", (event) => {
  if (event.target.closest && event.target.closest("tr[data-contact-row]")) refreshSelection();
});

// Deleting the selection asks first, naming how many contacts will go.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-selection]")) return;
  const action = event.submitter && event.submitter.value;
  if (action !== "delete") return;
  const count = contactRows().filter((row) => rowBox(row).checked).length;
  if (!window.confirm(form.getAttribute("data-confirm-delete").replace("{count}", count))) {
    event.preventDefault();
    return;
  }
  let confirmed = form.querySelector("input[name=confirmed]");
  if (!confirmed) {
    confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    form.appendChild(confirmed);
  }
  confirmed.value = "yes";
});

// Drag the selection onto a group of the side list to add it there.
document.addEventListener("dragstart", (event) => {
  const row = event.target.closest && event.target.closest("tr[data-contact-row]");
  if (!row) return;
  if (!rowBox(row).checked) {
    for (const other of contactRows()) rowBox(other).checked = other === row;
    selectionAnchor = row;
    refreshSelection();
  }
  const ids = contactRows().filter((r) => rowBox(r).checked).map((r) => r.getAttribute("data-id"));
  event.dataTransfer.setData("text/plain", ids.join(","));
  event.dataTransfer.effectAllowed = "copy";
});
for (const type of ["dragenter", "dragover"]) {
  document.addEventListener(type, (event) => {
    const target = event.target.closest && event.target.closest("[data-drop-group]");
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    target.classList.add("drop-target");
  });
}
document.addEventListener("dragleave", (event) => {
  const target = event.target.closest && event.target.closest("[data-drop-group]");
  if (target && !target.contains(event.relatedTarget)) target.classList.remove("drop-target");
});
document.addEventListener("drop", (event) => {
  const target = event.target.closest && event.target.closest("[data-drop-group]");
  const form = selectionForm();
  if (!target || !form) return;
  event.preventDefault();
  target.classList.remove("drop-target");
  const select = form.querySelector("select[name=group]");
  select.value = target.getAttribute("data-drop-group");
  form.requestSubmit(form.querySelector("[name=action][value=add]"));
});

// The filter updates the list as you type (the form still works with its button).
const liveFilter = document.querySelector("form[data-live-filter]");
if (liveFilter) {
  let timer = null;
  let generation = 0;
  liveFilter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(liveFilter)) if (value.trim() !== "") params.append(name, value);
      const url = liveFilter.action + (params.toString() ? "?" + params : "");
      const mine = ++generation;
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (mine !== generation || !response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const region of document.querySelectorAll("[data-live-region]")) {
        const fresh = next.querySelector(`[data-live-region="${region.getAttribute("data-live-region")}"]`);
        if (fresh) region.replaceWith(document.adoptNode(fresh));
      }
      history.replaceState(null, "", url);
      selectionAnchor = null;
      refreshSelection();
      document.body.setAttribute("data-filter-generation", String(mine));
    }, 250);
  });
}
refreshSelection();

// The list's QR code buttons show the code in a dialog (without this file they open the contact's page at its code).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-qr-src]");
  const dialog = document.getElementById("qr-dialog");
  if (!link || !dialog || typeof dialog.showModal !== "function") return;
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  dialog.querySelector("[data-qr-title]").textContent = link.getAttribute("aria-label");
  const image = dialog.querySelector("img");
  image.src = link.getAttribute("data-qr-src");
  image.alt = link.getAttribute("aria-label");
  dialog.querySelector("[data-qr-page]").href = link.getAttribute("href");
  dialog.showModal();
});

// A group's DECT limits belong to DECT groups: the new-group form shows them only when that kind is chosen.
for (const fieldset of document.querySelectorAll("[data-shown-for-kind]")) {
  const kind = fieldset.form && fieldset.form.querySelector("select[name=kind]");
  if (!kind) continue;
  // Hidden, its fields are not sent either.
  const show = () => {
    fieldset.hidden = kind.value !== fieldset.getAttribute("data-shown-for-kind");
    fieldset.disabled = fieldset.hidden;
  };
  kind.addEventListener("change", show);
  show();
}

// Times: the page shows them in the office's zone; here, in the browser's own zone and the page's language.
for (const time of document.querySelectorAll("time[datetime]")) {
  const instant = new Date(time.getAttribute("datetime"));
  if (Number.isNaN(instant.getTime())) continue;
  const style = time.hasAttribute("data-day") ? { dateStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" };
  const language = document.documentElement.lang === "en" ? "en-GB" : document.documentElement.lang || undefined;
  time.textContent = new Intl.DateTimeFormat(language, style).format(instant);
  time.title = instant.toISOString().replace(".000Z", "Z");
}

// A file dropped on a file field is taken by the browser; the field shows it is a place to drop one.
for (const input of document.querySelectorAll("input[type=file]")) {
  input.addEventListener("dragenter", () => input.classList.add("drop-over"));
  for (const type of ["dragleave", "drop"]) input.addEventListener(type, () => input.classList.remove("drop-over"));
}
