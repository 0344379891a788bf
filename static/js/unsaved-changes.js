// Warns before leaving a page whose form holds changes not yet saved. A form
// opts in with a data-warn-unsaved attribute (on the form, or on an element
// around it, for forms drawn by a form helper); data-warn-unsaved="from-start"
// marks a form shown again with what was typed but not saved (an error, or
// someone else's save in between). Typing or choosing anything arms the
// warning; sending the form disarms it. Without this script the forms work
// the same, without the warning.

const SELECTOR = "form[data-warn-unsaved], [data-warn-unsaved] form";

const unsaved = new Set();

for (const form of document.querySelectorAll(SELECTOR)) {
  const arm = () => unsaved.add(form);
  form.addEventListener("input", arm);
  form.addEventListener("change", arm);
  form.addEventListener("submit", () => unsaved.delete(form));
  if (form.dataset.warnUnsaved === "from-start") {
    arm();
  }
}

window.addEventListener("beforeunload", (event) => {
  if (unsaved.size === 0) {
    return;
  }
  // Browsers show their own words; both calls ask for the dialog.
  event.preventDefault();
  event.returnValue = "";
});
