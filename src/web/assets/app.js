// entente dashboard: the little the pages do in the browser. Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "Copy JSON" beside an object's JSON.
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = "Copied";
    });
  }
  // Filter selects submit their form when changed (the button stays for keyboards).
  for (const select of document.querySelectorAll("form.filters select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
