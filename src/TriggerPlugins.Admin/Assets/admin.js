// Progressive enhancement only: every form works without this script.
// A form with data-live="<url>" is posted there (debounced) as the admin types, and the answer (the server's check
// and preview, rendered as HTML) replaces #live-check. The antiforgery token travels in the form data.
(() => {
  for (const form of document.querySelectorAll("form[data-live]")) {
    const target = document.getElementById("live-check");
    let timer = 0;
    let latest = 0;
    const check = async () => {
      const request = ++latest;
      const response = await fetch(form.dataset.live, { method: "POST", body: new FormData(form), headers: { "X-Live": "1" } });
      if (request === latest && response.ok) {
        target.innerHTML = await response.text();
        target.dataset.checked = String(request);
      }
    };
    const schedule = () => { clearTimeout(timer); timer = setTimeout(check, 400); };
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }
})();
