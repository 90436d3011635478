// Closing count: the variance beside each counted box as it is typed (the server shows it
// again on 차이 확인 before anything is booked).
const form = document.querySelector("[data-count-form]");

const TONES = ["is-short", "is-zero", "is-over", "is-low"];

/** 0 is fine, fewer than expected is a warning, more than expected is marked apart. */
function setTone(row, out, tone) {
  for (const el of [row, out]) {
    el.classList.remove(...TONES);
    if (tone) el.classList.add(tone);
  }
}

function update(row) {
  const input = row.querySelector("input.fair-qty");
  const out = row.querySelector("[data-variance]");
  const expected = Number(row.querySelector("[data-expected]")?.dataset.expected);
  if (!input || !out || Number.isNaN(expected)) return;
  const raw = input.value.replace(/,/g, "").trim();
  if (raw === "" || !/^[0-9]+$/.test(raw)) {
    out.textContent = raw === "" ? "" : "숫자만";
    setTone(row, out, raw === "" ? "" : "is-short");
    return;
  }
  const diff = Number(raw) - expected;
  out.textContent = diff > 0 ? `+${diff}` : String(diff);
  setTone(row, out, diff < 0 ? "is-short" : diff > 0 ? "is-over" : "is-zero");
}

if (form) {
  form.addEventListener("input", (event) => {
    const row = event.target.closest("tr");
    if (row) update(row);
  });
  form.querySelectorAll("tbody tr").forEach(update);
}
