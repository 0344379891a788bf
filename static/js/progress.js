// Follows a document made in the background (a pack, a summary PDF) without
// reloading the page: asks its progress JSON every few seconds, puts a new
// message in the page's live region (so that a screen reader reads it out
// once, when it changes, and stays where it is), and puts the download link
// in place when the document is ready. Without this script the page offers a
// link to refresh it instead.

const EVERY = 3000; // milliseconds between two questions
const AFTER_ERROR = 15000; // and after one that went unanswered
const TAG_COLOURS = ["grey", "blue", "green", "red"];

function follow(box) {
  const url = box.dataset.progressUrl;
  const message = box.querySelector("[data-progress-message]");
  const label = box.querySelector("[data-progress-label]");
  const refresh = box.querySelector("[data-progress-refresh]");
  const download = box.querySelector("[data-progress-download]");
  const pending = box.querySelector("[data-progress-pending]");
  if (!url || !message) {
    return;
  }
  if (refresh) {
    refresh.hidden = true;
  }

  function show(progress) {
    if (label && label.textContent !== progress.label) {
      label.textContent = progress.label;
      for (const colour of TAG_COLOURS) {
        label.classList.toggle(`govuk-tag--${colour}`, colour === progress.tag_colour);
      }
    }
    // Only a changed message is written: each write is read out.
    if (message.textContent.trim() !== progress.message) {
      message.textContent = progress.message;
    }
    if (progress.finished && pending) {
      pending.hidden = true;
    }
    if (progress.download_url && download) {
      const link = document.createElement("a");
      link.className = "govuk-button";
      link.href = progress.download_url;
      link.textContent = box.dataset.downloadLabel || "Download";
      download.replaceChildren(link);
      download.hidden = false;
    }
  }

  async function ask() {
    if (document.hidden) {
      // Not looked at: ask when it is again.
      document.addEventListener("visibilitychange", ask, { once: true });
      return;
    }
    let progress;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        throw new Error(`${response.status}`);
      }
      progress = await response.json();
    } catch {
      // Offline, or signed out: the refresh link is the way on.
      if (refresh) {
        refresh.hidden = false;
      }
      window.setTimeout(ask, AFTER_ERROR);
      return;
    }
    if (refresh) {
      refresh.hidden = true;
    }
    show(progress);
    if (!progress.finished) {
      window.setTimeout(ask, EVERY);
    }
  }

  window.setTimeout(ask, EVERY);
}

for (const box of document.querySelectorAll("[data-progress-url]")) {
  follow(box);
}
