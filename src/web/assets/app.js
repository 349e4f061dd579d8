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
  // Remaining times (NIS2 clocks, hotline deadlines) tick down from their deadline; the
  // server wrote the same text when it rendered the page.
  const remaining = document.querySelectorAll("span.remaining[data-deadline]");
  if (remaining.length > 0) {
    const text = (ms) => {
      const past = ms < 0;
      const s = Math.floor(Math.abs(ms) / 1000);
      const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
      const t = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${s} s`;
      return past ? `${t} ago` : `in ${t}`;
    };
    const tick = () => {
      for (const span of remaining) {
        const ms = Date.parse(span.dataset.deadline) - Date.now();
        if (Number.isNaN(ms)) continue;
        span.textContent = `(${text(ms)})`;
        span.classList.toggle("late", ms < 0);
      }
    };
    setInterval(tick, 1000);
  }
  // Filter selects submit their form when changed (the button stays for keyboards).
  for (const select of document.querySelectorAll("form.filters select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
