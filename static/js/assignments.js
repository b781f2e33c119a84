// Progressive enhancement of the draft editor; the page works fully without this file.
// - Leaving the page (or hiding the tab) saves a changed draft in the background.
// - Choosing "Upload files" first saves the draft text, because the upload is a form of its
//   own: if the upload is refused as too large (413), the browser throws away the request's
//   body, but the text has already been saved.
// The background saves post the editor's own form (CSRF token and revision included) to the
// same endpoint as "Save draft", with background=1; the server answers with JSON.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-draft-form]");
  if (!form) return;
  const text = form.querySelector("textarea[name=text]");
  const revision = form.querySelector("input[name=revision]");
  const status = form.querySelector("[data-draft-status]");
  let saved = text.value;
  let conflict = false;

  function payload() {
    const data = new FormData(form);
    data.set("background", "1");
    return data;
  }

  function show(message) {
    if (status && message) status.textContent = message;
  }

  async function save() {
    if (conflict || text.value === saved) return true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        keepalive: true,
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        saved = text.value;
        revision.value = body.revision;
        show(form.dataset.savedMessage || "✓");
        return true;
      }
      if (response.status === 409) {
        // Someone else saved meanwhile: show both texts the normal way, nothing overwritten.
        conflict = true;
        form.requestSubmit();
      }
    } catch (error) {
      // Offline or the server is away: the text stays in the editor.
    }
    return false;
  }

  function saveOnLeave() {
    if (conflict || text.value === saved || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(form.action, payload())) saved = text.value;
  }

  document.addEventListener("visibilitychange", () => {
    // fetch (not a beacon) so that the new revision comes back if the person returns
    if (document.visibilityState === "hidden") save();
  });
  window.addEventListener("pagehide", saveOnLeave);
  // A normal submit of the editor is not "leaving with unsaved text".
  form.addEventListener("submit", () => {
    saved = text.value;
  });

  const upload = document.querySelector("[data-upload-form]");
  if (upload) {
    upload.addEventListener("submit", async (event) => {
      if (upload.dataset.ready === "1" || text.value === saved) return;
      event.preventDefault();
      if (await save()) {
        upload.dataset.ready = "1";
        upload.requestSubmit();
      }
    });
  }
});
